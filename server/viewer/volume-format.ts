/**
 * The viewer's binary volume format for slices (docs/viewer-api.md), little-endian:
 *
 *   bytes 0-3   magic "CVOL"
 *   bytes 4-7   uint32: header length H
 *   H bytes     UTF-8 JSON { version: 1, size, spacing, origin, direction, componentType, level, downsample }
 *   then, at the next multiple of 4 bytes, the voxels in file order (x fastest): int16 (CT, HU) or uint8 (masks)
 */
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

const MAGIC = 'CVOL';
const align4 = (n: number) => (n + 3) & ~3;

export function encodeVolume(header: Omit<VolumeHeader, 'version' | 'componentType'>, voxels: Int16Array | Uint8Array): Uint8Array {
  const full: VolumeHeader = { version: 1, ...header, componentType: voxels instanceof Int16Array ? 'int16' : 'uint8' };
  const count = header.size[0] * header.size[1] * header.size[2];
  if (voxels.length !== count) throw new Error(`encodeVolume: ${voxels.length} voxels for size ${header.size.join('x')}`);
  const json = new TextEncoder().encode(JSON.stringify(full));
  const dataAt = align4(8 + json.length);
  const bytes = new Uint8Array(dataAt + voxels.byteLength);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  bytes.set(new Uint8Array(voxels.buffer, voxels.byteOffset, voxels.byteLength), dataAt);
  return bytes;
}

export function decodeVolume(bytes: Uint8Array): { header: VolumeHeader; voxels: Int16Array | Uint8Array } {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error('not a Carina volume: wrong magic');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as VolumeHeader;
  const dataAt = align4(8 + headerLength);
  const copy = new Uint8Array(bytes.subarray(dataAt)).buffer;
  const voxels = header.componentType === 'int16' ? new Int16Array(copy) : new Uint8Array(copy);
  if (voxels.length !== header.size[0] * header.size[1] * header.size[2]) throw new Error('not a Carina volume: length does not match the header');
  return { header, voxels };
}
