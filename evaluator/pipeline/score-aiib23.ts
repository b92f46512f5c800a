/**
 * AIIB23 scoring of one prediction (../shared/aiib23/SPEC.md §2-3), from the binarised prediction's runs and
 * its largest component (shared with ATM'22): one pass over the scored component C counting Σ G·C, Σ C·S and
 * each segment's skeleton voxels in C, then the five figures.
 *
 * Component choice: C = the largest 6-connected component; if IoU(G, C) < 0.1, the next-largest once. Deliberate
 * departure (SPEC §2): the official code loops forever when that one is also below 0.1, and stops with an
 * IndexError on a prediction with a single such component; Carina keeps the component it has and reports
 * `aiib_fallback: true` in both cases. An empty prediction scores 0 on every figure with `empty: true`.
 */
import { detectedLength, rankOf } from '../kernels/centreline-length.ts';
import { componentRuns, componentsBySize, countRunComponents, type RunSet } from '../kernels/largest-component.ts';
import {
  aiib23Metrics,
  aiibIoU,
  isAiibBranchDetected,
  AIIB_FALLBACK_IOU,
  EMPTY_AIIB23,
  type Aiib23Metrics,
} from '../metrics/aiib23-metrics.ts';
import type { Shape3 } from '../volume/shape.ts';
import { runsOutside } from './leakage-runs.ts';
import { stepsOf, voxelVolumeMm3, type PhysicalMeasures } from './physical-measures.ts';
import { AIIB_ON_SKELETON, type PreparedGold } from './prepared-gold.ts';

export interface Aiib23Score extends Aiib23Metrics, PhysicalMeasures {
  /** T, N, I: the counts behind IoU, Precision and Leakage. */
  readonly gold_voxels: number;
  readonly component_voxels: number;
  readonly intersection: number;
  /** Σ S and Σ C·S: the counts behind DLR. */
  readonly skeleton_voxels: number;
  readonly skeleton_in_pred: number;
  /** K and the detected segments: the counts behind DBR. */
  readonly branches_total: number;
  readonly branches_detected: number;
  /** Voxels > 0 in the prediction. */
  readonly pred_voxels: number;
  /** Which component was scored: 1 = the largest, 2 = the next-largest (the fallback); 0 when empty. */
  readonly aiib_component: number;
  /** The scored component's IoU is below 0.1 (the official code would hang or stop here). */
  readonly aiib_fallback: boolean;
  readonly empty: boolean;
  /** C outside the raw label, and its 6-connected pieces. */
  readonly leakage_voxels: number;
  readonly leakage_components: number;
  /** Detected flag of each segment 1..K (index 0 is segment 1), and its raw-label skeleton voxels in C. */
  readonly branch_detected: number[];
  readonly branch_skeleton_in_pred: number[];
}

/** The AIIB23 crop and its classes: bit 1 = in G, bit 2 = on S (the ATM'22 classes 1 and 2 read the same way). */
function aiibClasses(gold: PreparedGold): Uint8Array {
  return gold.aiib.rawClass ?? gold.voxelClass;
}

function componentCounts(gold: PreparedGold, c: RunSet) {
  const { crop, skeletonIndex, skeletonSegment } = gold.aiib;
  const classes = aiibClasses(gold);
  const [n0, n1, n2] = crop.shape;
  const [o0, o1, o2] = crop.origin;
  const ny = gold.geometry.size[1];
  const inPred = new Int32Array(gold.segmentCount + 1);
  const flags = new Uint8Array(skeletonIndex.length);
  let intersection = 0;
  let skeletonInPred = 0;
  for (let r = 0; r < c.count; r++) {
    const row = c.rows[r];
    const z = Math.floor(row / ny);
    const j = row - z * ny - o1;
    const k = z - o2;
    if (j < 0 || j >= n1 || k < 0 || k >= n2) continue;
    const from = Math.max(c.starts[r] - o0, 0);
    const to = Math.min(c.ends[r] - o0, n0);
    for (let i = from; i < to; i++) {
      const v = (i * n1 + j) * n2 + k;
      const cls = classes[v];
      if (!cls) continue;
      intersection++;
      if (cls & AIIB_ON_SKELETON) {
        skeletonInPred++;
        const rank = rankOf(skeletonIndex, v);
        flags[rank] = 1;
        inPred[skeletonSegment[rank]]++;
      }
    }
  }
  return { intersection, skeletonInPred, inPred, flags };
}

export function scoreAiib23(gold: PreparedGold, runs: RunSet, lcc: RunSet, fileShape: Shape3): Aiib23Score {
  const { aiib } = gold;
  const T = gold.labelVoxels;
  const K = gold.segmentCount;
  const steps = stepsOf(aiib.skeletonIndex, aiib.crop, gold.geometry);
  if (runs.voxels === 0) {
    return {
      ...EMPTY_AIIB23,
      gold_voxels: T,
      component_voxels: 0,
      intersection: 0,
      skeleton_voxels: aiib.skeletonIndex.length,
      skeleton_in_pred: 0,
      branches_total: K,
      branches_detected: 0,
      pred_voxels: 0,
      aiib_component: 0,
      aiib_fallback: false,
      empty: true,
      leakage_voxels: 0,
      leakage_components: 0,
      branch_detected: Array.from({ length: K }, () => 0),
      branch_skeleton_in_pred: Array.from({ length: K }, () => 0),
      centreline_length_mm: steps.total,
      centreline_detected_mm: 0,
      leakage_volume_mm3: 0,
    };
  }
  let component = lcc;
  let rank = 1;
  let counts = componentCounts(gold, component);
  let fallback = false;
  if (aiibIoU(counts.intersection, T, component.voxels) < AIIB_FALLBACK_IOU) {
    const { roots, ranked } = componentsBySize(runs, fileShape, 2);
    if (ranked.length > 1) {
      component = componentRuns(runs, roots, ranked[1]);
      rank = 2;
      counts = componentCounts(gold, component);
    }
    fallback = aiibIoU(counts.intersection, T, component.voxels) < AIIB_FALLBACK_IOU;
  }
  const flags: number[] = [];
  const inPred: number[] = [];
  let detected = 0;
  for (let j = 1; j <= K; j++) {
    const hit = isAiibBranchDetected(counts.inPred[j], aiib.segmentSkeletonVoxels[j]);
    flags.push(hit ? 1 : 0);
    inPred.push(counts.inPred[j]);
    if (hit) detected++;
  }
  const N = component.voxels;
  const metrics = aiib23Metrics({
    goldVoxels: T,
    componentVoxels: N,
    intersection: counts.intersection,
    skeletonVoxels: aiib.skeletonIndex.length,
    skeletonInPred: counts.skeletonInPred,
    branchesTotal: K,
    branchesDetected: detected,
  });
  const leaking = runsOutside(component, aiib.crop, gold.geometry.size[1], aiibClasses(gold));
  return {
    ...metrics,
    gold_voxels: T,
    component_voxels: N,
    intersection: counts.intersection,
    skeleton_voxels: aiib.skeletonIndex.length,
    skeleton_in_pred: counts.skeletonInPred,
    branches_total: K,
    branches_detected: detected,
    pred_voxels: runs.voxels,
    aiib_component: rank,
    aiib_fallback: fallback,
    empty: false,
    leakage_voxels: N - counts.intersection,
    leakage_components: countRunComponents(leaking, fileShape),
    branch_detected: flags,
    branch_skeleton_in_pred: inPred,
    centreline_length_mm: steps.total,
    centreline_detected_mm: detectedLength(steps, counts.flags),
    leakage_volume_mm3: (N - counts.intersection) * voxelVolumeMm3(gold.geometry),
  };
}
