/**
 * The prepared gold standard: everything scoring needs, computed once per case (SPEC §1).
 *
 * Crop arrays are in logical C order over `crop` (see `evaluator/volume/crop.ts`):
 * - `voxelClass`: 0 outside G, 1 in G, 2 in G and on the skeleton S;
 * - `branch`: the final branch label of each voxel of G (1..branchCount), 0 elsewhere.
 * Branch tables are indexed by label (index 0 unused).
 *
 * Version 2 adds what the AIIB23 suite needs (`aiib`, see `AiibGold`) and the sorted skeleton voxel list of S
 * (`skeletonIndex`) for the centre-line lengths; a version-1 file is refused and prepared again.
 */
import type { ImageGeometry } from '../io/image-volume.ts';
import type { CropBox } from '../volume/crop.ts';
import type { StageTiming } from './stages.ts';

export const PREPARED_GOLD_VERSION = 2;

export const OUTSIDE = 0;
export const IN_GOLD = 1;
export const ON_SKELETON = 2;

export interface BranchTable {
  /** Branch labels 1..count after refinement. */
  readonly count: number;
  /** The official "total branches": the highest label found on the skeleton. */
  readonly officialCount: number;
  readonly trachea: number;
  readonly generation: Int32Array;
  readonly parent: Int32Array;
  /** Skeleton voxels of each branch (s_b). */
  readonly skeletonVoxels: Int32Array;
  /** Voxels of G parsed to each branch. */
  readonly voxels: Int32Array;
}

/**
 * The AIIB23 part of the prepared gold standard (../shared/aiib23/SPEC.md §1, §3), over its own crop: the bounding
 * box of the raw label (all its components, not only the largest) plus one voxel of background.
 */
export interface AiibGold {
  readonly crop: CropBox;
  /**
   * Per crop voxel, logical C order: bit 1 = in the raw label G, bit 2 = on S = skeletonize_3d(G) (raw label).
   * Null when G equals the prepared M (one component, no holes): then S equals the ATM'22 skeleton, the crop is the
   * ATM'22 crop and `voxelClass` says everything (classes 1 → G, 2 → G and S).
   */
  readonly rawClass: Uint8Array | null;
  /** Crop indices of the voxels of S, ascending (C order). */
  readonly skeletonIndex: Int32Array;
  /** The unrefined parsing label (segment 1..K, `segmentCount` of the prepared gold) of each voxel of S; 0 outside M. */
  readonly skeletonSegment: Int32Array;
  /** Σ B_j: voxels of S parsed to segment j (index 0 unused). */
  readonly segmentSkeletonVoxels: Int32Array;
}

export const AIIB_IN_GOLD = 1;
export const AIIB_ON_SKELETON = 2;

export interface PreparedGold {
  readonly version: number;
  readonly geometry: ImageGeometry;
  readonly crop: CropBox;
  /** Voxels with label > 0 in the file. */
  readonly labelVoxels: number;
  /** |G|: largest component with holes filled. */
  readonly goldVoxels: number;
  /** |S|. */
  readonly skeletonVoxels: number;
  /** Skeleton segments before refinement. */
  readonly segmentCount: number;
  readonly refinementPasses: number;
  readonly voxelClass: Uint8Array;
  readonly branch: Int32Array;
  readonly branches: BranchTable;
  /** Crop indices of the voxels of S (class ON_SKELETON), ascending. */
  readonly skeletonIndex: Int32Array;
  readonly aiib: AiibGold;
  /** sha256 of the gold-standard file, when known. */
  readonly sourceSha256?: string;
  readonly timings: readonly StageTiming[];
}

export function scanVoxels(geometry: ImageGeometry): number {
  return geometry.size[0] * geometry.size[1] * geometry.size[2];
}
