/**
 * Scoring one prediction against a prepared gold standard (SPEC §2): binarise (> 0) → largest 6-connected
 * component L → one pass over L's voxels counting |L ∩ G|, |L ∩ S| and each branch's skeleton voxels in L →
 * official metrics, per-generation detection and leakage. Cost: one linear scan of the prediction plus O(|L|).
 *
 * `scoreSuites` scores the suites a phase asks for (ATM'22, AIIB23 or both) from one binarisation and one
 * largest-component search of the prediction; `scorePrediction` is ATM'22 alone.
 */
import { EvaluatorError } from '../errors.ts';
import { geometryMismatches } from '../io/check-geometry.ts';
import type { ImageVolume } from '../io/image-volume.ts';
import { countRunComponents, foregroundRuns, largestComponentRuns, type RunSet } from '../kernels/largest-component.ts';
import {
  isBranchDetected,
  officialMetrics,
  unroundedMetrics,
  type MetricCounts,
  type OfficialMetrics,
  type UnroundedMetrics,
} from '../metrics/atm22-metrics.ts';
import { detectedLength, rankOf } from '../kernels/centreline-length.ts';
import { leakageRuns } from './leakage-runs.ts';
import { stepsOf, voxelVolumeMm3, type PhysicalMeasures } from './physical-measures.ts';
import { ON_SKELETON, scanVoxels, type PreparedGold } from './prepared-gold.ts';
import { scoreAiib23, type Aiib23Score } from './score-aiib23.ts';
import { StageClock, type StageTiming } from './stages.ts';
import type { Shape3 } from '../volume/shape.ts';

export interface GenerationDetection {
  readonly generation: number;
  readonly branches: number;
  readonly detected: number;
}

export interface CaseScore extends OfficialMetrics, PhysicalMeasures {
  readonly branches_total: number;
  readonly branches_detected: number;
  readonly skeleton_voxels: number;
  readonly skeleton_in_pred: number;
  readonly pred_voxels: number;
  readonly pred_lcc_voxels: number;
  readonly gt_lcc_voxels: number;
  readonly intersection: number;
  /** The prediction has no voxel > 0. */
  readonly empty: boolean;
  readonly unrounded: UnroundedMetrics;
  readonly per_generation: GenerationDetection[];
  /** Voxels of L outside G, and how many 6-connected pieces they form. */
  readonly leakage_voxels: number;
  readonly leakage_components: number;
  /** Voxels > 0 dropped because they lie outside the largest component. */
  readonly outside_lcc_voxels: number;
  /** Detected flag of each branch 1..branches_total (index 0 is branch 1). */
  readonly branch_detected: number[];
  /** Skeleton voxels of each branch inside L (d_b), branch 1 first; with the prepared gold's s_b they give the fraction. */
  readonly branch_skeleton_in_pred: number[];
  readonly timings: StageTiming[];
}

/** Counts over L: the intersection with G and S, and per-branch skeleton voxels in L. */
function overlapCounts(gold: PreparedGold, lcc: RunSet) {
  const { crop, voxelClass, branch } = gold;
  const [n0, n1, n2] = crop.shape;
  const [o0, o1, o2] = crop.origin;
  const ny = gold.geometry.size[1];
  const inPred = new Int32Array(gold.branches.count + 1);
  const onSkeleton = new Uint8Array(gold.skeletonIndex.length);
  let intersection = 0;
  let skeletonInPred = 0;
  for (let r = 0; r < lcc.count; r++) {
    const row = lcc.rows[r];
    const z = Math.floor(row / ny);
    const j = row - z * ny - o1;
    const k = z - o2;
    if (j < 0 || j >= n1 || k < 0 || k >= n2) continue;
    const from = Math.max(lcc.starts[r] - o0, 0);
    const to = Math.min(lcc.ends[r] - o0, n0);
    for (let i = from; i < to; i++) {
      const v = (i * n1 + j) * n2 + k;
      const c = voxelClass[v];
      if (!c) continue;
      intersection++;
      if (c === ON_SKELETON) {
        skeletonInPred++;
        inPred[branch[v]]++;
        onSkeleton[rankOf(gold.skeletonIndex, v)] = 1;
      }
    }
  }
  return { intersection, skeletonInPred, inPred, onSkeleton };
}

/** The number of 6-connected pieces the leakage (L outside G) forms. */
function leakageComponents(gold: PreparedGold, lcc: RunSet, fileShape: Shape3): number {
  return countRunComponents(leakageRuns(gold, lcc), fileShape);
}

export function checkPredictionGeometry(gold: PreparedGold, prediction: ImageVolume, name: string): void {
  const problems = geometryMismatches(gold.geometry, prediction, 'the gold standard');
  if (problems.length > 0) {
    throw new EvaluatorError('GEOMETRY_MISMATCH', `${name}: ${problems.join('; ')}`);
  }
}

export type EvaluatorSuite = 'atm22' | 'aiib23';
export const EVALUATOR_SUITES: readonly EvaluatorSuite[] = ['atm22', 'aiib23'];

export interface SuiteScores {
  readonly atm22?: CaseScore;
  readonly aiib23?: Aiib23Score;
  /** Every stage of the run, shared ones (binarise, largest-component) once. */
  readonly timings: StageTiming[];
}

/** Scores one prediction with each suite asked for, sharing the binarisation and the largest component. */
export async function scoreSuites(
  gold: PreparedGold,
  prediction: ImageVolume,
  suites: readonly EvaluatorSuite[],
  name = 'prediction',
): Promise<SuiteScores> {
  const clock = new StageClock();
  checkPredictionGeometry(gold, prediction, name);
  const [nx, ny, nz] = prediction.size;
  const fileShape: Shape3 = [nz, ny, nx];
  const runs = await clock.run('binarise', () => foregroundRuns(prediction.data as ArrayLike<number>, fileShape));
  const lcc = await clock.run('largest-component', () => largestComponentRuns(runs, fileShape));
  const atm22 = suites.includes('atm22') ? await atm22Score(gold, runs, lcc, fileShape, clock) : undefined;
  const aiib23 = suites.includes('aiib23') ? await clock.run('aiib23', () => scoreAiib23(gold, runs, lcc, fileShape)) : undefined;
  if (atm22) (atm22 as { timings: StageTiming[] }).timings = clock.timings;
  return { atm22, aiib23, timings: clock.timings };
}

export async function scorePrediction(gold: PreparedGold, prediction: ImageVolume, name = 'prediction'): Promise<CaseScore> {
  return (await scoreSuites(gold, prediction, ['atm22'], name)).atm22!;
}

async function atm22Score(gold: PreparedGold, runs: RunSet, lcc: RunSet, fileShape: Shape3, clock: StageClock): Promise<CaseScore> {
  const overlap = await clock.run('overlap', () => overlapCounts(gold, lcc));
  const leakComponents = await clock.run('leakage', () => leakageComponents(gold, lcc, fileShape));
  const { branches } = gold;
  const steps = stepsOf(gold.skeletonIndex, gold.crop, gold.geometry);
  const total = branches.officialCount;
  const flags: number[] = [];
  const inPredPerBranch: number[] = [];
  const perGeneration = new Map<number, { branches: number; detected: number }>();
  let detected = 0;
  for (let b = 1; b <= total; b++) {
    const hit = isBranchDetected(overlap.inPred[b], branches.skeletonVoxels[b]);
    flags.push(hit ? 1 : 0);
    inPredPerBranch.push(overlap.inPred[b]);
    if (hit) detected++;
    const g = branches.generation[b] ?? 0;
    const entry = perGeneration.get(g) ?? { branches: 0, detected: 0 };
    entry.branches++;
    if (hit) entry.detected++;
    perGeneration.set(g, entry);
  }
  const counts: MetricCounts = {
    skeletonVoxels: gold.skeletonVoxels,
    skeletonInPred: overlap.skeletonInPred,
    branchesTotal: total,
    branchesDetected: detected,
    predLccVoxels: lcc.voxels,
    goldVoxels: gold.goldVoxels,
    intersection: overlap.intersection,
    scanVoxels: scanVoxels(gold.geometry),
  };
  return {
    ...officialMetrics(counts),
    branches_total: total,
    branches_detected: detected,
    skeleton_voxels: gold.skeletonVoxels,
    skeleton_in_pred: overlap.skeletonInPred,
    pred_voxels: runs.voxels,
    pred_lcc_voxels: lcc.voxels,
    gt_lcc_voxels: gold.goldVoxels,
    intersection: overlap.intersection,
    empty: runs.voxels === 0,
    unrounded: unroundedMetrics(counts),
    per_generation: [...perGeneration.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([generation, e]) => ({ generation, branches: e.branches, detected: e.detected })),
    leakage_voxels: lcc.voxels - overlap.intersection,
    leakage_components: leakComponents,
    outside_lcc_voxels: runs.voxels - lcc.voxels,
    branch_detected: flags,
    branch_skeleton_in_pred: inPredPerBranch,
    centreline_length_mm: steps.total,
    centreline_detected_mm: detectedLength(steps, overlap.onSkeleton),
    leakage_volume_mm3: (lcc.voxels - overlap.intersection) * voxelVolumeMm3(gold.geometry),
    timings: clock.timings,
  };
}
