/**
 * Hole filling as `scipy.ndimage.binary_fill_holes` with its default structure: a background voxel stays
 * background only when a 6-connected path of background voxels joins it to the array's border; every other
 * voxel becomes foreground. Works on runs of background along axis 2 (union-find over runs), so the cost is one
 * scan plus O(runs). Input: nonzero = foreground; it is not modified. Output: a new 0/1 mask.
 */
import type { Shape3 } from '../volume/shape.ts';
import { foregroundRuns, runComponentRoots } from './largest-component.ts';

export function fillHoles(mask: ArrayLike<number>, shape: Shape3): Uint8Array {
  const [n0, n1, n2] = shape;
  const total = n0 * n1 * n2;
  const background = new Uint8Array(total);
  for (let v = 0; v < total; v++) background[v] = mask[v] ? 0 : 1;
  const runs = foregroundRuns(background, shape);
  const roots = runComponentRoots(runs, shape);
  const outside = new Uint8Array(runs.count);
  for (let r = 0; r < runs.count; r++) {
    const row = runs.rows[r];
    const i = Math.floor(row / n1);
    const j = row - i * n1;
    if (i === 0 || i === n0 - 1 || j === 0 || j === n1 - 1 || runs.starts[r] === 0 || runs.ends[r] === n2) {
      outside[roots[r]] = 1;
    }
  }
  const filled = new Uint8Array(total).fill(1);
  for (let r = 0; r < runs.count; r++) {
    if (!outside[roots[r]]) continue;
    const base = runs.rows[r] * n2;
    filled.fill(0, base + runs.starts[r], base + runs.ends[r]);
  }
  return filled;
}
