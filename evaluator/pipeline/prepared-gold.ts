/**
 * The prepared gold standard: everything scoring needs, computed once per case (SPEC §1).
 *
 * Crop arrays are in logical C order over `crop` (see `evaluator/volume/crop.ts`):
 * - `voxelClass`: 0 outside G, 1 in G, 2 in G and on the skeleton S;
 * - `branch`: the final branch label of each voxel of G (1..branchCount), 0 elsewhere.
 * Branch tables are indexed by label (index 0 unused).
 */
import type { ImageGeometry } from '../io/image-volume.ts';
import type { CropBox } from '../volume/crop.ts';
import type { StageTiming } from './stages.ts';

export const PREPARED_GOLD_VERSION = 1;

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
  /** sha256 of the gold-standard file, when known. */
  readonly sourceSha256?: string;
  readonly timings: readonly StageTiming[];
}

export function scanVoxels(geometry: ImageGeometry): number {
  return geometry.size[0] * geometry.size[1] * geometry.size[2];
}
