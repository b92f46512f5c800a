/**
 * Resolution levels of a volume for the slice views. Level L shrinks every axis by f = 2^L: output voxel (X, Y, Z)
 * covers input voxels f·X .. f·X + f − 1 (fewer at the far edges), so the output has ceil(n / f) voxels per axis,
 * spacing f·s, and its first voxel's centre is the centre of its block: origin + direction · (s ⊙ (f − 1) / 2).
 * The output thus covers the same physical box (slightly more when n is not a multiple of f).
 *
 * Volumes are in file order (x fastest), as `ImageVolume.data`. CTs are averaged and rounded to int16
 * (Hounsfield units, clamped); masks take the block's maximum, written as 0/1.
 */
import type { ImageGeometry, VoxelArray } from '../../evaluator/index.ts';

export const MAX_LEVEL = 3;

export function levelGeometry(geometry: ImageGeometry, level: number): ImageGeometry {
  const f = 2 ** level;
  const { size, spacing, origin, direction: d } = geometry;
  const shift = [0, 1, 2].map((c) => (spacing[c] * (f - 1)) / 2);
  return {
    size: [Math.ceil(size[0] / f), Math.ceil(size[1] / f), Math.ceil(size[2] / f)],
    spacing: [spacing[0] * f, spacing[1] * f, spacing[2] * f],
    origin: [0, 1, 2].map((r) => origin[r] + d[3 * r] * shift[0] + d[3 * r + 1] * shift[1] + d[3 * r + 2] * shift[2]) as [number, number, number],
    direction: [...d],
  };
}

/** BigInt voxel arrays (64-bit images) as plain numbers; other arrays as they are. */
function numeric(data: VoxelArray): ArrayLike<number> {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data, (v) => Number(v));
  return data;
}

const clampInt16 = (v: number) => (v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v));

/** Block means, rounded and clamped to int16. */
export function downsampleMean(data: VoxelArray, size: readonly [number, number, number], level: number): Int16Array {
  const values = numeric(data);
  const f = 2 ** level;
  const [nx, ny, nz] = size;
  if (f === 1) {
    if (data instanceof Int16Array) return data.slice();
    const out = new Int16Array(values.length);
    for (let v = 0; v < values.length; v++) out[v] = clampInt16(values[v]);
    return out;
  }
  const [mx, my, mz] = [Math.ceil(nx / f), Math.ceil(ny / f), Math.ceil(nz / f)];
  const sums = new Float64Array(mx * my * mz);
  for (let z = 0; z < nz; z++) {
    const oz = Math.floor(z / f);
    for (let y = 0; y < ny; y++) {
      const from = (z * ny + y) * nx;
      const to = (oz * my + Math.floor(y / f)) * mx;
      for (let x = 0; x < nx; x++) sums[to + Math.floor(x / f)] += values[from + x];
    }
  }
  const out = new Int16Array(sums.length);
  const extent = (n: number, o: number) => Math.min(f, n - o * f);
  for (let oz = 0; oz < mz; oz++) {
    for (let oy = 0; oy < my; oy++) {
      const cells = extent(nz, oz) * extent(ny, oy);
      for (let ox = 0; ox < mx; ox++) {
        const v = (oz * my + oy) * mx + ox;
        out[v] = clampInt16(sums[v] / (cells * extent(nx, ox)));
      }
    }
  }
  return out;
}

/** Block maxima of a mask (values > 0 count as 1), as 0/1. */
export function downsampleMax(data: VoxelArray | Uint8Array, size: readonly [number, number, number], level: number): Uint8Array {
  const values = numeric(data);
  const f = 2 ** level;
  const [nx, ny, nz] = size;
  const [mx, my, mz] = [Math.ceil(nx / f), Math.ceil(ny / f), Math.ceil(nz / f)];
  const out = new Uint8Array(mx * my * mz);
  for (let z = 0; z < nz; z++) {
    const oz = Math.floor(z / f);
    for (let y = 0; y < ny; y++) {
      const from = (z * ny + y) * nx;
      const to = (oz * my + Math.floor(y / f)) * mx;
      for (let x = 0; x < nx; x++) if (values[from + x] > 0) out[to + Math.floor(x / f)] = 1;
    }
  }
  return out;
}
