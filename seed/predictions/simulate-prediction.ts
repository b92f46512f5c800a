/**
 * A simulated team's prediction for a phantom: its gold standard with chosen error modes applied in an order
 * that keeps each one meaningful — missed branches (by branch ownership, before anything moves the boundary),
 * boundary erosion/dilation, broken branches (the gap cut wide enough for the changed boundary), leakage from
 * branches that are still there, then islands. Deterministic for the phantom's seed and a variant name.
 */
import type { Phantom } from '../phantom/generate-phantom.ts';
import { createRandom } from '../phantom/random.ts';
import {
  brokenBranches,
  changeBoundary,
  falsePositiveIslands,
  leakage,
  missedBranches,
  type BoundaryChange,
  type BrokenBranches,
  type Islands,
  type Leakage,
  type MissedBranches,
} from './error-modes.ts';

export interface PredictionErrors {
  readonly missed?: MissedBranches;
  readonly boundary?: BoundaryChange;
  readonly broken?: BrokenBranches;
  readonly leakage?: Leakage;
  readonly islands?: Islands;
}

export interface SimulatedPrediction {
  readonly mask: Uint8Array;
  readonly missed: number[];
  readonly broken: number[];
  readonly leaking: number[];
  readonly islands: number;
}

export function simulatePrediction(phantom: Phantom, errors: PredictionErrors, variant: string): SimulatedPrediction {
  const random = createRandom(phantom.options.seed, `prediction/${variant}`);
  const mask = Uint8Array.from(phantom.label);
  const missed = errors.missed ? missedBranches(mask, phantom, errors.missed, random.stream('missed')) : new Set<number>();
  if (errors.boundary) changeBoundary(mask, phantom, errors.boundary, random.stream('boundary'));
  const margin = Math.max(0, errors.boundary?.voxels ?? 0) * Math.max(...phantom.geometry.spacing);
  const broken = errors.broken ? brokenBranches(mask, phantom, errors.broken, random.stream('broken'), margin) : [];
  const leaking = errors.leakage ? leakage(mask, phantom, errors.leakage, random.stream('leakage'), (id) => !missed.has(id)) : [];
  const islands = errors.islands ? falsePositiveIslands(mask, phantom, errors.islands, random.stream('islands')) : 0;
  return { mask, missed: [...missed], broken, leaking, islands };
}
