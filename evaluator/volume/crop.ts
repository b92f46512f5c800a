/**
 * Crops: a box of the scan, in logical C order, that holds all the voxels a kernel needs.
 *
 * Scan voxel (x, y, z) of an image (file order, x fastest) is voxel (i, j, k) = (x, y, z) of the logical array;
 * a crop with origin (o0, o1, o2) and shape [n0, n1, n2] holds scan voxels o + (0..n-1) and stores them in
 * logical C order. Crops may extend past the scan by a margin (the part outside is background), which plays the
 * role of the one-voxel zero padding the reference implementations add.
 */
import type { Shape3 } from './shape.ts';
import type { RunSet } from '../kernels/largest-component.ts';

export interface CropBox {
  readonly origin: readonly [number, number, number];
  readonly shape: Shape3;
}

/**
 * The bounding box of runs found on a file-order volume (viewed as C order with shape [nz, ny, nx], runs along
 * x), grown by `margin` voxels on every side. Empty runs give an empty box at the origin.
 */
export function boundingCrop(runs: RunSet, fileSize: readonly [number, number, number], margin: number): CropBox {
  if (runs.count === 0) return { origin: [0, 0, 0], shape: [0, 0, 0] };
  const ny = fileSize[1];
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, z0 = Infinity, z1 = -Infinity;
  for (let r = 0; r < runs.count; r++) {
    const row = runs.rows[r];
    const z = Math.floor(row / ny);
    const y = row - z * ny;
    if (runs.starts[r] < x0) x0 = runs.starts[r];
    if (runs.ends[r] - 1 > x1) x1 = runs.ends[r] - 1;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  return {
    origin: [x0 - margin, y0 - margin, z0 - margin],
    shape: [x1 - x0 + 1 + 2 * margin, y1 - y0 + 1 + 2 * margin, z1 - z0 + 1 + 2 * margin],
  };
}

/** Paints file-order runs into a new logical C-order mask of the crop. Runs outside the crop are clipped. */
export function runsToCropMask(runs: RunSet, fileSize: readonly [number, number, number], crop: CropBox): Uint8Array {
  const [n0, n1, n2] = crop.shape;
  const [o0, o1, o2] = crop.origin;
  const mask = new Uint8Array(n0 * n1 * n2);
  const ny = fileSize[1];
  for (let r = 0; r < runs.count; r++) {
    const row = runs.rows[r];
    const z = Math.floor(row / ny);
    const y = row - z * ny;
    const j = y - o1;
    const k = z - o2;
    if (j < 0 || j >= n1 || k < 0 || k >= n2) continue;
    const from = Math.max(runs.starts[r] - o0, 0);
    const to = Math.min(runs.ends[r] - o0, n0);
    for (let i = from; i < to; i++) mask[(i * n1 + j) * n2 + k] = 1;
  }
  return mask;
}

/** A crop mask back to file order over the whole scan (voxels outside the scan are dropped). */
export function cropToFileOrder(
  crop: CropBox,
  values: ArrayLike<number>,
  fileSize: readonly [number, number, number],
  out: Uint8Array | Uint16Array | Int32Array,
): void {
  const [n0, n1, n2] = crop.shape;
  const [o0, o1, o2] = crop.origin;
  const [nx, ny, nz] = fileSize;
  for (let i = 0; i < n0; i++) {
    const x = i + o0;
    if (x < 0 || x >= nx) continue;
    for (let j = 0; j < n1; j++) {
      const y = j + o1;
      if (y < 0 || y >= ny) continue;
      const base = (i * n1 + j) * n2;
      for (let k = 0; k < n2; k++) {
        const z = k + o2;
        if (z < 0 || z >= nz) continue;
        const value = values[base + k];
        if (value) out[x + nx * (y + ny * z)] = value;
      }
    }
  }
}
