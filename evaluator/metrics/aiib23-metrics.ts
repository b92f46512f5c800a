/**
 * The five AIIB23 figures (../shared/aiib23/SPEC.md §3) from exact counts, as float64 divisions in the official
 * code's operation order, never rounded: compare them bit for bit.
 */
export const AIIB23_METRIC_KEYS = ['IoU', 'DLR', 'DBR', 'Precision', 'Leakage'] as const;
export type Aiib23MetricKey = (typeof AIIB23_METRIC_KEYS)[number];
export type Aiib23Metrics = Record<Aiib23MetricKey, number>;

/** A branch (segment) is detected when at least this share of its raw-label skeleton lies in the component. */
export const AIIB_BRANCH_THRESHOLD = 0.8;
/** Below this IoU the official code falls back to the next-largest component. */
export const AIIB_FALLBACK_IOU = 0.1;
const EPSILON = 1e-32;

export interface Aiib23Counts {
  /** T = Σ G over the raw label. */
  readonly goldVoxels: number;
  /** N = Σ C: the scored component. */
  readonly componentVoxels: number;
  /** I = Σ G·C. */
  readonly intersection: number;
  /** Σ S, S the raw-label skeleton. */
  readonly skeletonVoxels: number;
  /** Σ C·S. */
  readonly skeletonInPred: number;
  /** K: segments of the unrefined parsing. */
  readonly branchesTotal: number;
  readonly branchesDetected: number;
}

/** IoU exactly as written: (I + 1e-32) / (T + N − (I + 1e-32) + 1e-32), T + N an exact integer sum. */
export function aiibIoU(intersection: number, goldVoxels: number, componentVoxels: number): number {
  const i = intersection + EPSILON;
  return i / (goldVoxels + componentVoxels - i + EPSILON);
}

/** Σ C·B_j / Σ B_j ≥ 0.8; a segment without raw-label skeleton gives 0/0 = NaN, which is never ≥ 0.8. */
export function isAiibBranchDetected(inPred: number, skeletonVoxels: number): boolean {
  return inPred / skeletonVoxels >= AIIB_BRANCH_THRESHOLD;
}

export function aiib23Metrics(c: Aiib23Counts): Aiib23Metrics {
  return {
    IoU: aiibIoU(c.intersection, c.goldVoxels, c.componentVoxels),
    DLR: c.skeletonInPred / c.skeletonVoxels,
    DBR: c.branchesDetected / c.branchesTotal,
    Precision: c.intersection / c.componentVoxels,
    Leakage: (c.componentVoxels - c.intersection) / c.goldVoxels,
  };
}

/** An empty prediction (no component): the worst value on the four higher-is-better figures, leakage 0. */
export const EMPTY_AIIB23: Aiib23Metrics = { IoU: 0, DLR: 0, DBR: 0, Precision: 0, Leakage: 0 };
