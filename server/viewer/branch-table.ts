/**
 * The branch table the viewer needs, kept beside the gold surface so the viewer JSON never decodes a prepared
 * gold standard: per label 1..count (index 0 unused) its generation, parent and skeleton voxels (s_b).
 */
import type { PreparedGold } from '../../evaluator/index.ts';

export interface ViewerBranchTable {
  readonly count: number;
  readonly officialCount: number;
  readonly trachea: number;
  readonly generation: number[];
  readonly parent: number[];
  readonly skeletonVoxels: number[];
}

export function viewerBranchTable(gold: PreparedGold): ViewerBranchTable {
  const b = gold.branches;
  return {
    count: b.count,
    officialCount: b.officialCount,
    trachea: b.trachea,
    generation: Array.from(b.generation),
    parent: Array.from(b.parent),
    skeletonVoxels: Array.from(b.skeletonVoxels),
  };
}
