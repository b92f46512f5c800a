/**
 * A bounded reader of the protocol-buffers wire format (https://protobuf.dev/programming-guides/encoding/):
 * walks the fields of one message without copying (length-delimited values are views into the buffer). It never
 * trusts a length: every one is checked against what is left, so a hostile file fails with a `ProtobufError`
 * instead of reading out of bounds. Groups (wire types 3 and 4, deprecated) are refused.
 */
export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export type FieldValue = { wire: 0; value: number } | { wire: 1 | 5; bytes: Uint8Array } | { wire: 2; bytes: Uint8Array };

/** Reads a varint at `offset`; values beyond 2^53 lose precision (enough for sizes and counts). */
function readVarint(buffer: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 10; i++) {
    if (offset + i >= buffer.length) throw new ProtobufError('truncated varint');
    const byte = buffer[offset + i];
    value += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) === 0) {
      // ten-byte varints are negative int64s in two's complement
      if (value >= 2 ** 63) value -= 2 ** 64;
      return { value, next: offset + i + 1 };
    }
  }
  throw new ProtobufError('varint longer than 10 bytes');
}

/** Calls `visit(field, value)` for every field of the message, in file order. */
export function forEachField(buffer: Uint8Array, visit: (field: number, value: FieldValue) => void): void {
  let offset = 0;
  while (offset < buffer.length) {
    const key = readVarint(buffer, offset);
    offset = key.next;
    const field = Math.floor(key.value / 8);
    const wire = key.value % 8;
    if (field < 1) throw new ProtobufError(`field number ${field}`);
    if (wire === 0) {
      const v = readVarint(buffer, offset);
      offset = v.next;
      visit(field, { wire: 0, value: v.value });
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (offset + n > buffer.length) throw new ProtobufError('truncated fixed-size field');
      visit(field, { wire, bytes: buffer.subarray(offset, offset + n) });
      offset += n;
    } else if (wire === 2) {
      const length = readVarint(buffer, offset);
      offset = length.next;
      if (length.value < 0 || offset + length.value > buffer.length) throw new ProtobufError(`field ${field} claims ${length.value} bytes, ${buffer.length - offset} are left`);
      visit(field, { wire: 2, bytes: buffer.subarray(offset, offset + length.value) });
      offset += length.value;
    } else {
      throw new ProtobufError(`unsupported wire type ${wire} in field ${field}`);
    }
  }
}

/** The values of a packed (or unpacked) repeated varint field. */
export function varints(value: FieldValue): number[] {
  if (value.wire === 0) return [value.value];
  if (value.wire !== 2) throw new ProtobufError('expected varints');
  const out: number[] = [];
  let offset = 0;
  while (offset < value.bytes.length) {
    const v = readVarint(value.bytes, offset);
    out.push(v.value);
    offset = v.next;
  }
  return out;
}

export function text(value: FieldValue): string {
  if (value.wire !== 2) throw new ProtobufError('expected a string');
  return new TextDecoder('utf-8', { fatal: false }).decode(value.bytes);
}

export function integer(value: FieldValue): number {
  if (value.wire !== 0) throw new ProtobufError('expected an integer');
  return value.value;
}
