/**
 * The branch table the viewer needs, kept beside the gold surface so the viewer JSON never decodes a prepared
 * gold standard: per label 1..count (index 0 unused) its generation, parent and skeleton voxels.
 *
 * Two rules label the gold surface, after the suite a phase ranks by first:
 * - `atm22`: the refined branches (generation, parent, trachea; s_b = skeleton voxels of S_M per branch);
 * - `aiib23`: the unrefined segments 1..K of AIIB23's parsing (../shared/aiib23/SPEC.md §1), which have no
 *   generation, parent or trachea (empty arrays, trachea 0); skeleton voxels = Σ B_j, the raw-label skeleton
 *   voxels parsed to segment j, the denominator of AIIB23's detection rule.
 */
import type { PreparedGold } from '../../evaluator/index.ts';
import type { BranchRule } from '../../contract/viewer/viewer-json.ts';

export interface ViewerBranchTable {
  /** Absent in tables stored before AIIB23 (they are ATM'22's). */
  readonly rule?: BranchRule;
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
    rule: 'atm22',
    count: b.count,
    officialCount: b.officialCount,
    trachea: b.trachea,
    generation: Array.from(b.generation),
    parent: Array.from(b.parent),
    skeletonVoxels: Array.from(b.skeletonVoxels),
  };
}

export function aiibBranchTable(gold: PreparedGold): ViewerBranchTable {
  return {
    rule: 'aiib23',
    count: gold.segmentCount,
    officialCount: gold.segmentCount,
    trachea: 0,
    generation: [],
    parent: [],
    skeletonVoxels: Array.from(gold.aiib.segmentSkeletonVoxels),
  };
}

/** The table of a rule. */
export function branchTableOf(gold: PreparedGold, rule: BranchRule): ViewerBranchTable {
  return rule === 'aiib23' ? aiibBranchTable(gold) : viewerBranchTable(gold);
}
