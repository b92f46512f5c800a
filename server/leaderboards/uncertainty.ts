/**
 * Computes and caches a phase's rank uncertainty (run by the worker's `rank-uncertainty` job, never on a
 * request): the leaderboard's ranked entries, their published per-case scores, the phase's scheme
 * (schemeSpecOf: old and new schemes alike) and ranking/rank-uncertainty.ts with 1,000 samples and seed 1, in
 * steps that leave the worker's event loop free and log progress past a budget (uncertainty-steps.ts).
 * Phases under 2 entries or 5 cases store a null result.
 */
import { startRankUncertainty, uncertaintyApplies } from '../../ranking/rank-uncertainty.ts';
import type { Pool } from '../db/pool.ts';
import { schemeSpecOf } from '../challenges/ranking-scheme.ts';
import type { PhaseRow } from '../challenges/rows.ts';
import { metricTableOf } from './case-table.ts';
import { phaseLeaderboard } from './leaderboard.ts';
import { caseMetricsOf } from './store.ts';
import { runInSteps } from './uncertainty-steps.ts';
import { storeUncertainty, type StoredUncertainty } from './uncertainty-store.ts';

export const UNCERTAINTY_SAMPLES = 1000;
export const UNCERTAINTY_SEED = 1;

export async function computePhaseUncertainty(db: Pool, phase: PhaseRow): Promise<StoredUncertainty | null> {
  const started = performance.now();
  const board = await phaseLeaderboard(db, phase);
  const ids = board.entries.filter((e) => e.rank !== null).map((e) => e.submissionId);
  const { bySubmission } = await caseMetricsOf(db, phase.id, ids);
  const spec = schemeSpecOf(phase.ranking);
  const table = metricTableOf(
    ids.map((id) => ({ submissionId: id, caseMetrics: bySubmission.get(id) })),
    spec.metrics.map((m) => m.name),
  );
  let result: StoredUncertainty | null = null;
  if (spec.metrics.length > 0 && uncertaintyApplies(ids.length, table.cases.length)) {
    const run = startRankUncertainty(spec, table, { samples: UNCERTAINTY_SAMPLES, seed: UNCERTAINTY_SEED });
    const u = await runInSteps(run, { phaseId: phase.id, entries: ids.length, cases: table.cases.length, scheme: spec.kind, metrics: spec.metrics.length });
    result = {
      samples: u.samples,
      seed: u.seed,
      cases: u.cases,
      indistinguishableTop: u.indistinguishableTop,
      note: u.note,
      entries: u.entries.map((e) => ({ submissionId: Number(e.entry), rank: e.rank, interval: e.interval, keepShare: e.keepShare, rankFrequencies: e.rankFrequencies, imputed: e.imputed })),
    };
  }
  await storeUncertainty(db, phase.id, [...ids].sort((a, b) => a - b), phase.ranking, result, performance.now() - started);
  return result;
}
