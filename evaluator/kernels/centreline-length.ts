/**
 * Centre-line length of a skeleton in millimetres.
 *
 * Definition (Carina's own; no challenge code defines it): the skeleton is a set of voxels given as ascending
 * indices into a [n0, n1, n2] volume in logical C order (k fastest). Every *unordered pair* of skeleton voxels
 * that are 26-adjacent (differ by at most one step on every axis) is one step, counted once, and contributes its
 * true length √((di·s0)² + (dj·s1)² + (dk·s2)²), i.e. 1, √2 or √3 voxels scaled by the spacing (s0, s1, s2) of
 * the axes (i, j, k). A straight line of n voxels along k measures (n − 1)·s2; a diagonal staircase measures its
 * diagonal steps. Where voxels cluster (a junction, a 2×2 patch) every adjacent pair counts, so such spots add a
 * little more than a drawn line would: the measure is exact for one-voxel-thin curves, which a Lee skeleton
 * is away from junctions.
 *
 * Steps are found from each voxel to its 13 neighbours that come later in C order, visited in ascending index
 * order, and summed in that order (so the float sum is reproducible). Cost O(|S| · 13 · log |S|).
 * The detected length counts the steps whose two ends both lie in the prediction.
 */
import type { Shape3 } from '../volume/shape.ts';

export interface SkeletonSteps {
  /** Rank (position in the index list) of each step's two ends. */
  readonly from: Int32Array;
  readonly to: Int32Array;
  /** Each step's length in mm. */
  readonly length: Float64Array;
  /** Σ length. */
  readonly total: number;
}

/** Position of `value` in the ascending list, or -1. */
export function rankOf(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = sorted[mid];
    if (x === value) return mid;
    if (x < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The 13 offsets (di, dj, dk) that lead to a later voxel in C order. */
const FORWARD: Array<[number, number, number]> = [];
for (let di = 0; di <= 1; di++) {
  for (let dj = -1; dj <= 1; dj++) {
    for (let dk = -1; dk <= 1; dk++) {
      if (di === 0 && (dj < 0 || (dj === 0 && dk <= 0))) continue;
      FORWARD.push([di, dj, dk]);
    }
  }
}

export function skeletonSteps(indices: Int32Array, shape: Shape3, spacing: readonly [number, number, number]): SkeletonSteps {
  const [n0, n1, n2] = shape;
  const from: number[] = [];
  const to: number[] = [];
  const length: number[] = [];
  const stepLength = FORWARD.map(([a, b, c]) => Math.sqrt((a * spacing[0]) ** 2 + (b * spacing[1]) ** 2 + (c * spacing[2]) ** 2));
  let total = 0;
  for (let r = 0; r < indices.length; r++) {
    const v = indices[r];
    const i = Math.floor(v / (n1 * n2));
    const j = Math.floor(v / n2) % n1;
    const k = v % n2;
    for (let o = 0; o < FORWARD.length; o++) {
      const [di, dj, dk] = FORWARD[o];
      const a = i + di;
      const b = j + dj;
      const c = k + dk;
      if (a >= n0 || b < 0 || b >= n1 || c < 0 || c >= n2) continue;
      const other = rankOf(indices, (a * n1 + b) * n2 + c);
      if (other < 0) continue;
      from.push(r);
      to.push(other);
      length.push(stepLength[o]);
      total += stepLength[o];
    }
  }
  return { from: Int32Array.from(from), to: Int32Array.from(to), length: Float64Array.from(length), total };
}

/** Σ length of the steps whose two ends are flagged (flags indexed by rank). */
export function detectedLength(steps: SkeletonSteps, flagged: Uint8Array): number {
  let sum = 0;
  for (let s = 0; s < steps.length.length; s++) if (flagged[steps.from[s]] && flagged[steps.to[s]]) sum += steps.length[s];
  return sum;
}
