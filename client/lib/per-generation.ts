/**
 * Tree length and branches detected per generation, from the viewer's branch table: TD_g = skeleton voxels in the
 * prediction / skeleton voxels of generation g's branches, BD_g = detected branches / branches, both in percent
 * like the official metrics. The trachea counts as generation 0 when the table says so; branches without a
 * generation (AIIB23's unrefined segments) are left out. Pure.
 */
import type { ViewerBranch } from '../api/types.ts';

export interface GenerationRates {
  generation: number;
  branches: number;
  detected: number;
  /** Percent, or null when the branch table carries no skeleton counts. */
  treeLength: number | null;
  branchesDetected: number;
}

export function ratesByGeneration(branches: readonly ViewerBranch[]): GenerationRates[] {
  const groups = new Map<number, { branches: number; detected: number; skeleton: number; inPred: number; counted: boolean }>();
  for (const b of branches) {
    if (b.generation === null) continue; // AIIB23's segments have no generation
    const g = groups.get(b.generation) ?? { branches: 0, detected: 0, skeleton: 0, inPred: 0, counted: true };
    g.branches++;
    if (b.detected) g.detected++;
    if (b.skeletonVoxels == null || b.skeletonInPred == null) g.counted = false;
    else {
      g.skeleton += b.skeletonVoxels;
      g.inPred += b.skeletonInPred;
    }
    groups.set(b.generation, g);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([generation, g]) => ({
      generation,
      branches: g.branches,
      detected: g.detected,
      treeLength: g.counted && g.skeleton > 0 ? (100 * g.inPred) / g.skeleton : null,
      branchesDetected: g.branches ? (100 * g.detected) / g.branches : 0,
    }));
}

/** From the evaluator's `per_generation` metric (organisers see it): branches and detected per generation. */
export function ratesFromMetric(perGeneration: ReadonlyArray<{ generation: number; branches: number; detected: number }>): GenerationRates[] {
  return perGeneration.map((g) => ({
    generation: g.generation,
    branches: g.branches,
    detected: g.detected,
    treeLength: null,
    branchesDetected: g.branches ? (100 * g.detected) / g.branches : 0,
  }));
}
