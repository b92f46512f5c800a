/**
 * Skeleton segments (SPEC §1.4): a skeleton voxel with more than three skeleton voxels in its 3×3×3 neighbourhood
 * (itself included) is a junction and is removed; the rest is labelled by 26-connectivity in C-order first-met
 * order, segments of fewer than 5 voxels are dropped and the remainder labelled again the same way — as the
 * official `skeleton_parsing` does with `ndimage.convolve` (mode 'reflect') and `ndimage.label`.
 *
 * The neighbourhood count uses SciPy's 'reflect' border: outside the *whole scan* the edge plane is mirrored, so
 * a skeleton voxel on the scan's border counts its mirrored neighbours too. Kernels run on a crop of the scan;
 * `cropOrigin` and `scanShape` place the crop in the scan so the border is the scan's, not the crop's. The crop
 * must contain every skeleton voxel's in-scan 26-neighbourhood.
 */
import type { Shape3 } from '../volume/shape.ts';
import { labelComponents, componentSizes, type Labelling } from './connected-components.ts';

export interface CropPlacement {
  /** Scan coordinates (i, j, k) of the crop's voxel (0, 0, 0); may be negative when the crop pads the scan. */
  readonly cropOrigin: readonly [number, number, number];
  /** Shape of the whole scan in logical C order. */
  readonly scanShape: Shape3;
}

export const JUNCTION_THRESHOLD = 3;
export const MIN_SEGMENT_VOXELS = 5;

function reflect(x: number, n: number): number {
  // SciPy 'reflect' (half-sample symmetric): -1 → 0, n → n - 1
  if (x < 0) return -x - 1;
  if (x >= n) return 2 * n - x - 1;
  return x;
}

/** Number of skeleton voxels in each skeleton voxel's 3×3×3 neighbourhood (0 off the skeleton). */
export function neighbourCounts(skeleton: Uint8Array, shape: Shape3, placement: CropPlacement): Uint8Array {
  const [n0, n1, n2] = shape;
  const [o0, o1, o2] = placement.cropOrigin;
  const [N0, N1, N2] = placement.scanShape;
  const counts = new Uint8Array(skeleton.length);
  for (let v = 0; v < skeleton.length; v++) {
    if (!skeleton[v]) continue;
    const k = v % n2;
    const j = ((v - k) / n2) % n1;
    const i = (v - k - j * n2) / (n1 * n2);
    let count = 0;
    for (let di = -1; di <= 1; di++) {
      const a = reflect(i + o0 + di, N0) - o0;
      for (let dj = -1; dj <= 1; dj++) {
        const b = reflect(j + o1 + dj, N1) - o1;
        for (let dk = -1; dk <= 1; dk++) {
          const c = reflect(k + o2 + dk, N2) - o2;
          if (a < 0 || a >= n0 || b < 0 || b >= n1 || c < 0 || c >= n2) continue;
          count += skeleton[(a * n1 + b) * n2 + c] ? 1 : 0;
        }
      }
    }
    counts[v] = count;
  }
  return counts;
}

export function skeletonSegments(skeleton: Uint8Array, shape: Shape3, placement: CropPlacement): Labelling {
  const counts = neighbourCounts(skeleton, shape, placement);
  const pieces = new Uint8Array(skeleton.length);
  for (let v = 0; v < skeleton.length; v++) pieces[v] = skeleton[v] && counts[v] <= JUNCTION_THRESHOLD ? 1 : 0;
  const first = labelComponents(pieces, shape, 26);
  const sizes = componentSizes(first);
  for (let v = 0; v < pieces.length; v++) {
    const l = first.labels[v];
    if (l && sizes[l] < MIN_SEGMENT_VOXELS) pieces[v] = 0;
  }
  return labelComponents(pieces, shape, 26);
}
