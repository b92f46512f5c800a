/** The organisers' export of a phase: the leaderboard (excluded entries flagged) and every per-case result. */
import type { PhaseRow } from '../challenges/rows.ts';
import type { Pool } from '../db/pool.ts';
import { phaseLeaderboard, type LeaderboardEntry } from '../leaderboards/leaderboard.ts';
import { AGGREGATED_METRICS } from '../jobs/submission-aggregate.ts';
import { csvTable } from './csv.ts';
import { phaseResultRows, RESULT_COLUMNS } from './export-rows.ts';

export const LEADERBOARD_COLUMNS = [
  'rank',
  'team_id',
  'team',
  'submission_id',
  'submitted_at',
  'score',
  ...AGGREGATED_METRICS.map((m) => `mean_${m}`),
  ...AGGREGATED_METRICS.map((m) => `std_${m}`),
  'cases',
  'hidden',
  'hidden_reason',
  'disqualified',
  'disqualified_reason',
];

function leaderboardRecord(e: LeaderboardEntry): Record<string, unknown> {
  const record: Record<string, unknown> = {
    rank: e.rank,
    team_id: e.team.id,
    team: e.team.name,
    submission_id: e.submissionId,
    submitted_at: e.submittedAt,
    score: e.score,
    cases: e.cases,
    hidden: e.hidden ?? false,
    hidden_reason: e.hiddenReason ?? null,
    disqualified: e.disqualified ?? false,
    disqualified_reason: e.disqualifiedReason ?? null,
  };
  for (const m of AGGREGATED_METRICS) {
    record[`mean_${m}`] = e.mean[m];
    record[`std_${m}`] = e.std[m];
  }
  return record;
}

export async function phaseExport(db: Pool, phase: PhaseRow) {
  const leaderboard = await phaseLeaderboard(db, phase, true);
  const ranks = new Map<number, number>();
  for (const e of leaderboard.entries) if (e.rank !== null) ranks.set(e.submissionId, e.rank);
  const results = await phaseResultRows(db, phase.id, ranks);
  return { ...leaderboard, exportedAt: new Date(), results };
}

export type PhaseExport = Awaited<ReturnType<typeof phaseExport>>;

export function exportCsv(data: PhaseExport, table: 'results' | 'leaderboard'): string {
  return table === 'leaderboard'
    ? csvTable(LEADERBOARD_COLUMNS, data.entries.map(leaderboardRecord))
    : csvTable(RESULT_COLUMNS, data.results);
}
