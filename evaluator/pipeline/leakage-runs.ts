/**
 * Leakage: the voxels of the prediction's largest component L that lie outside the gold standard G, as runs of a
 * file-order volume (shape [nz, ny, nx], runs along x — the form `foregroundRuns` gives). G is the prepared gold
 * standard's crop (voxel class > 0); everything outside the crop is outside G. Cost O(|L|).
 */
import type { RunSet } from '../kernels/largest-component.ts';
import type { CropBox } from '../volume/crop.ts';
import type { PreparedGold } from './prepared-gold.ts';

export function leakageRuns(gold: PreparedGold, lcc: RunSet): RunSet {
  return runsOutside(lcc, gold.crop, gold.geometry.size[1], gold.voxelClass);
}

/** The parts of `lcc` outside a crop mask (`inside` non-zero = inside; everything outside the crop is outside). */
export function runsOutside(lcc: RunSet, crop: CropBox, ny: number, inside: Uint8Array): RunSet {
  const voxelClass = inside;
  const [n0, n1, n2] = crop.shape;
  const [o0, o1, o2] = crop.origin;
  const rows: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let voxels = 0;
  for (let r = 0; r < lcc.count; r++) {
    const row = lcc.rows[r];
    const z = Math.floor(row / ny);
    const j = row - z * ny - o1;
    const k = z - o2;
    const rowInCrop = j >= 0 && j < n1 && k >= 0 && k < n2;
    let open = -1;
    for (let x = lcc.starts[r]; x <= lcc.ends[r]; x++) {
      const i = x - o0;
      const leaking = x < lcc.ends[r] && (!rowInCrop || i < 0 || i >= n0 || voxelClass[(i * n1 + j) * n2 + k] === 0);
      if (leaking && open < 0) open = x;
      if (!leaking && open >= 0) {
        rows.push(row);
        starts.push(open);
        ends.push(x);
        voxels += x - open;
        open = -1;
      }
    }
  }
  return { rows: Int32Array.from(rows), starts: Int32Array.from(starts), ends: Int32Array.from(ends), count: rows.length, voxels };
}
