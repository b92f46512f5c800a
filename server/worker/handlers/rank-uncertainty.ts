/**
 * The `rank-uncertainty` job: recompute a phase's leaderboard rank intervals and cache them
 * (server/leaderboards/uncertainty.ts). A phase deleted meanwhile is skipped; a failure is retried by the queue.
 */
import { logEvent } from '../../../evaluator/index.ts';
import { AppError } from '../../errors.ts';
import { phaseById } from '../../challenges/lookups.ts';
import { computePhaseUncertainty } from '../../leaderboards/uncertainty.ts';
import type { WorkerDeps } from '../worker-deps.ts';

export async function rankUncertaintyJob(deps: WorkerDeps, phaseId: number): Promise<void> {
  let phase;
  try {
    phase = await phaseById(deps.db, phaseId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return;
    throw error;
  }
  const started = performance.now();
  const result = await computePhaseUncertainty(deps.db, phase);
  logEvent('info', 'rank uncertainty computed', { phaseId, entries: result?.entries.length ?? 0, cases: result?.cases ?? 0, ms: Math.round(performance.now() - started) });
}
