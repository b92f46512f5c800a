/**
 * The framing shared by the viewer's binary formats (docs/viewer-api.md): 4-byte magic, uint32 LE header length
 * H, H bytes of UTF-8 JSON, then zero padding to a multiple of 4 where the typed payload starts. Pure.
 */
export class BinaryFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BinaryFormatError';
  }
}

export interface FramedHeader<T> {
  header: T;
  /** Byte offset of the first payload array (a multiple of 4). */
  payloadOffset: number;
}

export function readFramedHeader<T>(buffer: ArrayBuffer, magic: string, what: string): FramedHeader<T> {
  if (buffer.byteLength < 8) throw new BinaryFormatError(`${what}: ${buffer.byteLength} bytes is too short to hold a header`);
  const bytes = new Uint8Array(buffer);
  const found = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (found !== magic) throw new BinaryFormatError(`${what}: expected the magic "${magic}", found "${found}"`);
  const headerLength = new DataView(buffer).getUint32(4, true);
  if (8 + headerLength > buffer.byteLength) {
    throw new BinaryFormatError(`${what}: header of ${headerLength} bytes runs past the end of the ${buffer.byteLength}-byte body`);
  }
  let header: T;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as T;
  } catch {
    throw new BinaryFormatError(`${what}: the header is not valid JSON`);
  }
  return { header, payloadOffset: alignTo4(8 + headerLength) };
}

export function alignTo4(offset: number): number {
  return (offset + 3) & ~3;
}

/** Checks that `count` elements of `bytesEach` fit at `offset`; returns the offset after them. */
export function expectRoom(buffer: ArrayBuffer, offset: number, count: number, bytesEach: number, what: string): number {
  const end = offset + count * bytesEach;
  if (end > buffer.byteLength) {
    throw new BinaryFormatError(`${what}: needs ${end} bytes but the body has ${buffer.byteLength} (truncated?)`);
  }
  return end;
}
