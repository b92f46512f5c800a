/**
 * The ATM'22 metrics (SPEC §2.3) from exact counts, with the official smoothing e = 1e-5, operation order and
 * rounding, so the printed values equal the official code's to the last digit. Unrounded ratios are returned too:
 * organisers audit with them and ranking ties are broken with them.
 */
import { numpyRound, pythonRound } from './rounding.ts';

export const SMOOTH = 1e-5;

/** The official rounded metrics, in the order the official code prints them. */
export const OFFICIAL_METRIC_KEYS = ['TD', 'BD', 'DSC', 'Precision', 'Sensitivity', 'Specificity'] as const;
/** The exact counts behind them (the names of expected.json). */
export const OFFICIAL_COUNT_KEYS = [
  'branches_total',
  'branches_detected',
  'skeleton_voxels',
  'skeleton_in_pred',
  'pred_voxels',
  'pred_lcc_voxels',
  'gt_lcc_voxels',
  'intersection',
] as const;
export const OFFICIAL_KEYS = [...OFFICIAL_METRIC_KEYS, ...OFFICIAL_COUNT_KEYS] as const;
export const BRANCH_DETECTION_THRESHOLD = 0.8;

export interface MetricCounts {
  /** |S|: gold-standard skeleton voxels. */
  readonly skeletonVoxels: number;
  /** |L ∩ S|. */
  readonly skeletonInPred: number;
  /** Branches of the parsed gold standard. */
  readonly branchesTotal: number;
  /** Branches with ≥ 80 % of their skeleton inside L. */
  readonly branchesDetected: number;
  /** |L|: the prediction's largest component. */
  readonly predLccVoxels: number;
  /** |G|: the prepared gold standard. */
  readonly goldVoxels: number;
  /** |L ∩ G|. */
  readonly intersection: number;
  /** Voxels in the whole scan. */
  readonly scanVoxels: number;
}

export interface OfficialMetrics {
  readonly TD: number;
  readonly BD: number;
  readonly DSC: number;
  readonly Precision: number;
  readonly Sensitivity: number;
  readonly Specificity: number;
}

export interface UnroundedMetrics {
  readonly TD: number;
  readonly BD: number;
  readonly DSC: number;
  readonly Precision: number;
  readonly Sensitivity: number;
  readonly Specificity: number;
}

export function treeLengthDetected(c: MetricCounts): number {
  return ((c.skeletonInPred + SMOOTH) / (c.skeletonVoxels + SMOOTH)) * 100;
}

export function branchesDetectedRate(c: MetricCounts): number {
  return c.branchesTotal === 0 ? 0 : (c.branchesDetected * 100) / c.branchesTotal;
}

export function dice(c: MetricCounts): number {
  return ((2.0 * c.intersection + SMOOTH) / (c.predLccVoxels + c.goldVoxels + SMOOTH)) * 100;
}

export function precision(c: MetricCounts): number {
  return ((c.intersection + SMOOTH) * 100) / (c.predLccVoxels + SMOOTH);
}

export function falseNegativeRate(c: MetricCounts): number {
  return ((c.goldVoxels - c.intersection + SMOOTH) * 100) / (c.goldVoxels + SMOOTH);
}

export function falsePositiveRate(c: MetricCounts): number {
  return ((c.predLccVoxels - c.intersection + SMOOTH) * 100) / (c.scanVoxels - c.goldVoxels + SMOOTH);
}

export function officialMetrics(c: MetricCounts): OfficialMetrics {
  return {
    TD: numpyRound(treeLengthDetected(c), 2),
    // a plain Python float in the official code: Python's rounding, not NumPy's
    BD: pythonRound(branchesDetectedRate(c), 2),
    DSC: numpyRound(dice(c), 2),
    Precision: numpyRound(precision(c), 3),
    Sensitivity: numpyRound(100 - numpyRound(falseNegativeRate(c), 3), 3),
    Specificity: numpyRound(100 - numpyRound(falsePositiveRate(c), 3), 3),
  };
}

export function unroundedMetrics(c: MetricCounts): UnroundedMetrics {
  return {
    TD: treeLengthDetected(c),
    BD: branchesDetectedRate(c),
    DSC: dice(c),
    Precision: precision(c),
    Sensitivity: 100 - falseNegativeRate(c),
    Specificity: 100 - falsePositiveRate(c),
  };
}

/** Official branch test: detected when inPred / total ≥ 0.8 in float64 (0/0 is NaN: not detected). */
export function isBranchDetected(skeletonInPred: number, skeletonTotal: number): boolean {
  return skeletonInPred / skeletonTotal >= BRANCH_DETECTION_THRESHOLD;
}
