/**
 * The viewer's binary volume format for slices (docs/viewer-api.md), little-endian; the server encodes, the
 * client decodes:
 *
 *   bytes 0-3   magic "CVOL"
 *   bytes 4-7   uint32: header length H
 *   H bytes     UTF-8 JSON { version: 1, size, spacing, origin, direction, componentType, level, downsample }
 *   then, at the next multiple of 4 bytes, the voxels in file order (x fastest): int16 (CT, HU) or uint8 (masks)
 *
 * `direction` is row-major 3×3, column c the direction of axis c (LPS); the geometry is the pyramid level's.
 * Pure (no Node or DOM APIs).
 */
import { BinaryFormatError, bytesOf, expectEnd, expectRoom, readFramedHeader, wholeBuffer, writeFramedHeader } from './binary-header.ts';

export interface VolumeHeader {
  readonly version: 1;
  readonly size: readonly [number, number, number];
  readonly spacing: readonly [number, number, number];
  readonly origin: readonly [number, number, number];
  readonly direction: readonly number[];
  readonly componentType: 'int16' | 'uint8';
  readonly level: number;
  readonly downsample: number;
}

export interface SliceVolume {
  readonly header: VolumeHeader;
  readonly voxels: Int16Array | Uint8Array;
}

const MAGIC = 'CVOL';

export function encodeVolume(header: Omit<VolumeHeader, 'version' | 'componentType'>, voxels: Int16Array | Uint8Array): Uint8Array {
  const full: VolumeHeader = { version: 1, ...header, componentType: voxels instanceof Int16Array ? 'int16' : 'uint8' };
  const count = header.size[0] * header.size[1] * header.size[2];
  if (voxels.length !== count) throw new Error(`encodeVolume: ${voxels.length} voxels for size ${header.size.join('x')}`);
  const { bytes, payloadOffset } = writeFramedHeader(MAGIC, full, voxels.byteLength);
  bytes.set(bytesOf(voxels), payloadOffset);
  return bytes;
}

/**
 * Reads a volume body: fetch's ArrayBuffer (the voxels are a view on it, no copy) or a Node Buffer (copied once
 * when it is a window on a larger buffer). Refuses a wrong magic or version, a bad size or component type and a
 * body shorter or longer than its header says, with a BinaryFormatError that says which.
 */
export function decodeVolume(body: ArrayBuffer | Uint8Array): SliceVolume {
  const what = 'slice volume';
  const buffer = wholeBuffer(body);
  const { header, payloadOffset } = readFramedHeader<VolumeHeader>(buffer, MAGIC, what);
  if (header.version !== 1) throw new BinaryFormatError(`${what}: version ${String(header.version)} is not supported (expected 1)`);
  const [nx, ny, nz] = header.size ?? [];
  if (![nx, ny, nz].every((n) => Number.isInteger(n) && n > 0)) throw new BinaryFormatError(`${what}: size must be three positive integers`);
  const count = nx * ny * nz;
  let voxels: Int16Array | Uint8Array;
  if (header.componentType === 'int16') {
    expectEnd(buffer, expectRoom(buffer, payloadOffset, count, 2, what), what);
    voxels = new Int16Array(buffer, payloadOffset, count);
  } else if (header.componentType === 'uint8') {
    expectEnd(buffer, expectRoom(buffer, payloadOffset, count, 1, what), what);
    voxels = new Uint8Array(buffer, payloadOffset, count);
  } else {
    throw new BinaryFormatError(`${what}: component type "${String(header.componentType)}" is not supported (int16 or uint8)`);
  }
  return { header, voxels };
}
