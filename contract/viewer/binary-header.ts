/**
 * The framing shared by the viewer's binary formats (docs/viewer-api.md): 4-byte magic, uint32 LE header length
 * H, H bytes of UTF-8 JSON, then zero padding to a multiple of 4 where the typed payload starts. Pure, and the same
 * in Node and the browser: the server writes frames, the client (and the tests) read them.
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

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A zeroed frame of `payloadBytes` after the header, with magic, length and JSON written; the caller copies its
 * typed arrays in from `payloadOffset`. The typed arrays are copied byte for byte, so the host must be little-endian.
 */
export function writeFramedHeader(magic: string, header: object, payloadBytes: number): { bytes: Uint8Array; payloadOffset: number } {
  if (!LITTLE_ENDIAN) throw new Error('binary formats: big-endian hosts are not supported');
  const json = new TextEncoder().encode(JSON.stringify(header));
  const payloadOffset = alignTo4(8 + json.length);
  const bytes = new Uint8Array(payloadOffset + payloadBytes);
  bytes.set(new TextEncoder().encode(magic), 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  return { bytes, payloadOffset };
}

/** The bytes of a typed array (a view, not a copy), to copy into a frame. */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * The body as an ArrayBuffer starting at byte 0, so that typed-array views on it are aligned: fetch's
 * `arrayBuffer()` is used as it is (no copy); a Uint8Array that is a window on a larger buffer (a Node Buffer
 * from the pool) is copied.
 */
export function wholeBuffer(body: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (!(body instanceof Uint8Array)) return body;
  if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer) return body.buffer;
  return new Uint8Array(body).buffer; // a copy (a Node Buffer's slice() would share the whole pool)
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

/** Checks that the payload ends where the body does (`end`: the offset after the last array). */
export function expectEnd(buffer: ArrayBuffer, end: number, what: string): void {
  if (end !== buffer.byteLength) throw new BinaryFormatError(`${what}: ${buffer.byteLength - end} bytes after the data the header describes`);
}
