/**
 * Test helpers: small `ImageVolume`s built in memory, and shapes (tubes, balls, boxes) drawn into them.
 *
 * Everything is in **file order** like `ImageVolume.data`: voxel (x, y, z) is at x + nx * (y + ny * z).
 * Coordinates are voxel indices; spacing, origin and direction only travel along as geometry.
 */
import type { ComponentType, ImageVolume, VoxelArray } from '../../evaluator/io/image-volume.ts';

export type Vec3 = readonly [number, number, number];

export const IDENTITY_DIRECTION: readonly number[] = Object.freeze([1, 0, 0, 0, 1, 0, 0, 0, 1]);

export interface GeometryOptions {
  readonly spacing?: Vec3;
  readonly origin?: Vec3;
  /** Row-major 3×3, column c = direction of axis c (ITK convention). */
  readonly direction?: readonly number[];
}

/** A volume whose data is a uint8 mask in file order (a writable Uint8Array). */
export interface MaskVolume extends ImageVolume {
  readonly componentType: 'uint8';
  readonly data: Uint8Array;
}

/** An all-zero uint8 mask of the given size. */
export function emptyMask(size: Vec3, geometry: GeometryOptions = {}): MaskVolume {
  return volumeOf(size, 'uint8', new Uint8Array(size[0] * size[1] * size[2]), geometry) as MaskVolume;
}

/** A volume of any component type around existing data (file order). */
export function volumeOf(
  size: Vec3,
  componentType: ComponentType,
  data: VoxelArray,
  geometry: GeometryOptions = {},
): ImageVolume {
  if (data.length !== size[0] * size[1] * size[2]) {
    throw new Error(`volumeOf: ${data.length} values for size ${size.join('x')}`);
  }
  return {
    size: [size[0], size[1], size[2]],
    spacing: geometry.spacing ? [geometry.spacing[0], geometry.spacing[1], geometry.spacing[2]] : [1, 1, 1],
    origin: geometry.origin ? [geometry.origin[0], geometry.origin[1], geometry.origin[2]] : [0, 0, 0],
    direction: [...(geometry.direction ?? IDENTITY_DIRECTION)],
    componentType,
    data,
  };
}

/** A copy of a mask (same geometry, new data buffer). */
export function cloneMask(mask: MaskVolume): MaskVolume {
  return { ...mask, data: mask.data.slice() };
}

/** Index of voxel (x, y, z) in file order. */
export function voxelIndex(size: Vec3, x: number, y: number, z: number): number {
  return x + size[0] * (y + size[1] * z);
}

/** (x, y, z) of a file-order index. */
export function voxelCoords(size: Vec3, index: number): [number, number, number] {
  const x = index % size[0];
  const rest = (index - x) / size[0];
  const y = rest % size[1];
  return [x, y, (rest - y) / size[1]];
}

export function inside(size: Vec3, x: number, y: number, z: number): boolean {
  return x >= 0 && y >= 0 && z >= 0 && x < size[0] && y < size[1] && z < size[2];
}

export function getVoxel(mask: MaskVolume, x: number, y: number, z: number): number {
  return mask.data[voxelIndex(mask.size, x, y, z)];
}

export function setVoxel(mask: MaskVolume, x: number, y: number, z: number, value = 1): void {
  mask.data[voxelIndex(mask.size, x, y, z)] = value;
}

/** Squared distance from point p to the segment a–b. */
function distanceToSegment2(p: Vec3, a: Vec3, b: Vec3): number {
  const ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const ap = [p[0] - a[0], p[1] - a[1], p[2] - a[2]];
  const len2 = ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2];
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (ap[0] * ab[0] + ap[1] * ab[1] + ap[2] * ab[2]) / len2));
  const d = [ap[0] - t * ab[0], ap[1] - t * ab[1], ap[2] - t * ab[2]];
  return d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
}

/**
 * Sets to `value` every voxel whose centre lies within `radius` (inclusive) of the segment a–b: a cylinder with
 * rounded (spherical) caps. Parts outside the volume are clipped. Returns how many voxels changed value.
 */
export function drawTube(mask: MaskVolume, a: Vec3, b: Vec3, radius: number, value = 1): number {
  const r2 = radius * radius;
  const lo = [0, 1, 2].map((c) => Math.max(0, Math.floor(Math.min(a[c], b[c]) - radius)));
  const hi = [0, 1, 2].map((c) => Math.min(mask.size[c] - 1, Math.ceil(Math.max(a[c], b[c]) + radius)));
  let changed = 0;
  for (let z = lo[2]; z <= hi[2]; z++) {
    for (let y = lo[1]; y <= hi[1]; y++) {
      for (let x = lo[0]; x <= hi[0]; x++) {
        if (distanceToSegment2([x, y, z], a, b) > r2) continue;
        const v = voxelIndex(mask.size, x, y, z);
        if (mask.data[v] !== value) changed++;
        mask.data[v] = value;
      }
    }
  }
  return changed;
}

/** Sets every voxel within `radius` of `centre` to `value`; returns how many changed. */
export function drawBall(mask: MaskVolume, centre: Vec3, radius: number, value = 1): number {
  return drawTube(mask, centre, centre, radius, value);
}

/** Sets the box lo <= (x, y, z) <= hi (inclusive bounds, clipped) to `value`; returns how many changed. */
export function drawBox(mask: MaskVolume, lo: Vec3, hi: Vec3, value = 1): number {
  let changed = 0;
  for (let z = Math.max(0, lo[2]); z <= Math.min(mask.size[2] - 1, hi[2]); z++) {
    for (let y = Math.max(0, lo[1]); y <= Math.min(mask.size[1] - 1, hi[1]); y++) {
      for (let x = Math.max(0, lo[0]); x <= Math.min(mask.size[0] - 1, hi[0]); x++) {
        const v = voxelIndex(mask.size, x, y, z);
        if (mask.data[v] !== value) changed++;
        mask.data[v] = value;
      }
    }
  }
  return changed;
}

/** Voxels with a value > 0. */
export function countForeground(data: ArrayLike<number | bigint>): number {
  let n = 0;
  for (let v = 0; v < data.length; v++) if (data[v] > 0) n++;
  return n;
}

/** Voxels > 0 in `a` that are 0 in `b` (same size). */
export function countOnlyIn(a: MaskVolume, b: MaskVolume): number {
  let n = 0;
  for (let v = 0; v < a.data.length; v++) if (a.data[v] > 0 && !(b.data[v] > 0)) n++;
  return n;
}

/** Voxels > 0 in both masks. */
export function countBoth(a: MaskVolume, b: MaskVolume): number {
  let n = 0;
  for (let v = 0; v < a.data.length; v++) if (a.data[v] > 0 && b.data[v] > 0) n++;
  return n;
}
