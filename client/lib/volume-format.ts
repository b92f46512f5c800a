/**
 * Decodes the viewer's binary volume ("CVOL", docs/viewer-api.md): a CT (int16, Hounsfield units) or a mask
 * (uint8) in file order (x fastest), with its geometry at the pyramid level it was sent at. Pure.
 */
import { BinaryFormatError, expectRoom, readFramedHeader } from './binary-header.ts';

export interface SliceVolume {
  readonly size: [number, number, number];
  readonly spacing: [number, number, number];
  readonly origin: [number, number, number];
  /** Row-major 3×3; column c is the direction of axis c (LPS). */
  readonly direction: number[];
  readonly componentType: 'int16' | 'uint8';
  readonly level: number;
  readonly downsample: number;
  readonly data: Int16Array | Uint8Array;
}

interface VolumeHeader extends Omit<SliceVolume, 'data'> {
  version: number;
}

export function decodeVolume(buffer: ArrayBuffer): SliceVolume {
  const what = 'slice volume';
  const { header, payloadOffset } = readFramedHeader<VolumeHeader>(buffer, 'CVOL', what);
  if (header.version !== 1) throw new BinaryFormatError(`${what}: version ${header.version} is not supported (expected 1)`);
  const [nx, ny, nz] = header.size ?? [];
  if (![nx, ny, nz].every((n) => Number.isInteger(n) && n > 0)) throw new BinaryFormatError(`${what}: size must be three positive integers`);
  const count = nx * ny * nz;
  let data: Int16Array | Uint8Array;
  if (header.componentType === 'int16') {
    expectRoom(buffer, payloadOffset, count, 2, what);
    data = new Int16Array(buffer, payloadOffset, count);
  } else if (header.componentType === 'uint8') {
    expectRoom(buffer, payloadOffset, count, 1, what);
    data = new Uint8Array(buffer, payloadOffset, count);
  } else {
    throw new BinaryFormatError(`${what}: component type "${String(header.componentType)}" is not supported (int16 or uint8)`);
  }
  return {
    size: [nx, ny, nz],
    spacing: header.spacing,
    origin: header.origin,
    direction: header.direction,
    componentType: header.componentType,
    level: header.level,
    downsample: header.downsample,
    data,
  };
}
