/**
 * Physical measures next to the ratios, for every suite: centre-line length in mm (total and inside the scored
 * component; `kernels/centreline-length.ts` defines the steps) and the leakage volume in mm³ (leaking voxels ×
 * the voxel volume). Skeleton steps are computed once per skeleton list and kept while the list lives.
 */
import { skeletonSteps, type SkeletonSteps } from '../kernels/centreline-length.ts';
import type { ImageGeometry } from '../io/image-volume.ts';
import type { CropBox } from '../volume/crop.ts';

export interface PhysicalMeasures {
  /** Centre-line length of the gold standard's skeleton, mm. */
  readonly centreline_length_mm: number;
  /** The part of it whose steps lie in the scored prediction component, mm. */
  readonly centreline_detected_mm: number;
  /** Leaking voxels × voxel volume, mm³. */
  readonly leakage_volume_mm3: number;
}

const cache = new WeakMap<Int32Array, SkeletonSteps>();

export function stepsOf(skeletonIndex: Int32Array, crop: CropBox, geometry: ImageGeometry): SkeletonSteps {
  let steps = cache.get(skeletonIndex);
  if (!steps) {
    // crop axes (i, j, k) are the scan's (x, y, z): spacing in ITK order
    const [sx, sy, sz] = geometry.spacing;
    steps = skeletonSteps(skeletonIndex, crop.shape, [sx, sy, sz]);
    cache.set(skeletonIndex, steps);
  }
  return steps;
}

export function voxelVolumeMm3(geometry: ImageGeometry): number {
  const [sx, sy, sz] = geometry.spacing;
  return sx * sy * sz;
}
