/**
 * The nearest-segment parsing (ATM'22 SPEC §1.4-5, AIIB23 SPEC §1): every voxel of M takes the label of its
 * nearest skeleton-segment voxel (exact Euclidean feature transform, SciPy's tie rule); voxels outside M are 0.
 *
 * Preparation parses once and refines the labels in place (ATM'22), so the prepared gold standard keeps only the
 * refined `branch` labels and, for AIIB23, the unrefined label of each raw-skeleton voxel. `unrefinedParsing`
 * rebuilds the unrefined labels of every voxel of M from the prepared form alone — M and S_M are `voxelClass`
 * (classes ≥ 1 and 2) — by the same two steps as preparation (segments of S_M, then this parsing), so its labels
 * are the segment labels 1..K of `segmentCount` and of `aiib.skeletonSegment`. The 3D viewer labels AIIB23's
 * gold surface with it.
 */
import { nearestFeature } from '../kernels/feature-transform.ts';
import { skeletonSegments } from '../kernels/skeleton-segments.ts';
import type { Shape3 } from '../volume/shape.ts';
import { ON_SKELETON, type PreparedGold } from './prepared-gold.ts';

/** Crop labels: `segments[v]` (1..K) on kept segment voxels; `gold` = M. Both over the same crop, C order. */
export function nearestSegmentParsing(gold: ArrayLike<number>, segments: Int32Array, segmentCount: number, shape: Shape3): Int32Array {
  const labels = new Int32Array(gold.length);
  if (segmentCount === 0) return labels;
  const features = new Uint8Array(gold.length);
  for (let v = 0; v < features.length; v++) features[v] = segments[v] ? 1 : 0;
  const nearest = nearestFeature(features, shape);
  for (let v = 0; v < gold.length; v++) if (gold[v]) labels[v] = segments[nearest[v]];
  return labels;
}

/** The unrefined parsing of M over the prepared crop (`gold.crop`): segment 1..K per voxel of M, 0 elsewhere. */
export function unrefinedParsing(gold: PreparedGold): Int32Array {
  const { shape, origin } = gold.crop;
  const skeleton = new Uint8Array(gold.voxelClass.length);
  for (let v = 0; v < skeleton.length; v++) skeleton[v] = gold.voxelClass[v] === ON_SKELETON ? 1 : 0;
  const segments = skeletonSegments(skeleton, shape, { cropOrigin: origin, scanShape: gold.geometry.size });
  if (segments.count !== gold.segmentCount) {
    throw new Error(`unrefined parsing: ${segments.count} segments found again, the prepared gold standard has ${gold.segmentCount}`);
  }
  return nearestSegmentParsing(gold.voxelClass, segments.labels, segments.count, shape);
}
