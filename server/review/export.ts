/** The organisers' export of a phase: the leaderboard (excluded entries flagged) and every per-case result. */
import type { PhaseRow } from '../challenges/rows.ts';
import type { Pool } from '../db/pool.ts';
import { phaseLeaderboard, type LeaderboardEntry } from '../leaderboards/leaderboard.ts';
import { metricsOfSuites, type SuiteId } from '../../contract/metric-suites.ts';
import { csvTable } from './csv.ts';
import { phaseResultRows, resultColumns } from './export-rows.ts';

/** The leaderboard table's columns: means and SDs of the phase's metrics (stored names). */
export function leaderboardColumns(suites: readonly SuiteId[]): string[] {
  const names = metricsOfSuites(suites).map((m) => m.name);
  return [
    'rank',
    'team_id',
    'team',
    'submission_id',
    'submitted_at',
    'score',
    ...names.map((m) => `mean_${m}`),
    ...names.map((m) => `std_${m}`),
    'cases',
    'hidden',
    'hidden_reason',
    'disqualified',
    'disqualified_reason',
  ];
}

function leaderboardRecord(e: LeaderboardEntry, suites: readonly SuiteId[]): Record<string, unknown> {
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
  for (const { name } of metricsOfSuites(suites)) {
    record[`mean_${name}`] = e.mean[name as keyof typeof e.mean] ?? null;
    record[`std_${name}`] = e.std[name as keyof typeof e.std] ?? null;
  }
  return record;
}

export async function phaseExport(db: Pool, phase: PhaseRow) {
  const leaderboard = await phaseLeaderboard(db, phase, true);
  const ranks = new Map<number, number>();
  for (const e of leaderboard.entries) if (e.rank !== null) ranks.set(e.submissionId, e.rank);
  const results = await phaseResultRows(db, phase.id, ranks, phase.metric_suites);
  return { ...leaderboard, metricSuites: phase.metric_suites, exportedAt: new Date(), results };
}

export type PhaseExport = Awaited<ReturnType<typeof phaseExport>>;

export function exportCsv(data: PhaseExport, table: 'results' | 'leaderboard'): string {
  return table === 'leaderboard'
    ? csvTable(leaderboardColumns(data.metricSuites), data.entries.map((e) => leaderboardRecord(e, data.metricSuites)))
    : csvTable(resultColumns(data.metricSuites), data.results);
}
