/**
 * What a re-evaluation run would change: its progress, its failures and, once every candidate is done, the cases
 * whose official metrics moved and the leaderboard before and after publishing.
 */
import type { FailureOwner } from '../../contract/common.ts';
import type { FailureCode } from '../../contract/error-codes.ts';
import type { RunReport } from '../../contract/review.ts';
import type { PhaseRow } from '../challenges/rows.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import { leaderboardOf, type LeaderboardEntry } from '../leaderboards/leaderboard.ts';
import { caseMetricsOf, evaluatedSubmissions, submissionsByIds, type LeaderboardSubmission } from '../leaderboards/store.ts';
import { isCaseBased } from '../challenges/ranking-scheme.ts';
import { AGGREGATED_METRICS, aggregateCases, type StoredCaseMetrics } from '../jobs/submission-aggregate.ts';
import { candidatePairs, markReadyIfFinished, runJson, runProgress, type CandidatePair, type RunProgress, type RunRow } from './runs-store.ts';

const SHOWN_COUNTS = ['branches_total', 'branches_detected'] as const;

function officialOf(status: string, metrics: Record<string, unknown> | null): Record<string, string | number | null> {
  const picked: Record<string, string | number | null> = { status };
  for (const key of [...AGGREGATED_METRICS, ...SHOWN_COUNTS]) picked[key] = (metrics?.[key] as number | undefined) ?? null;
  return picked;
}

export function changedCase(pair: CandidatePair) {
  const old = officialOf(pair.published?.status ?? 'missing', pair.published?.metrics ?? null);
  const now = officialOf(pair.candidate.status, pair.candidate.metrics);
  const changed = ['status', ...AGGREGATED_METRICS].filter((key) => old[key] !== now[key]);
  if (!changed.length) return undefined;
  return {
    submissionId: pair.submissionId,
    team: pair.team,
    caseId: pair.caseId,
    case: pair.caseName,
    changed,
    old,
    new: now,
    provenance: { old: pair.published?.provenance ?? null, new: pair.candidate.provenance },
  };
}

interface RankMove {
  team: { id: number; name: string };
  before: { rank: number; submissionId: number; score: number } | null;
  after: { rank: number; submissionId: number; score: number } | null;
}

export function rankMoves(before: LeaderboardEntry[], after: LeaderboardEntry[]): RankMove[] {
  const place = (e: LeaderboardEntry | undefined) => (e ? { rank: e.rank!, submissionId: e.submissionId, score: e.score } : null);
  const teams = new Map<number, { id: number; name: string }>();
  for (const e of [...before, ...after]) teams.set(e.team.id, e.team);
  const moves: RankMove[] = [];
  for (const team of teams.values()) {
    const b = place(before.find((e) => e.team.id === team.id));
    const a = place(after.find((e) => e.team.id === team.id));
    if (b?.rank !== a?.rank || b?.submissionId !== a?.submissionId) moves.push({ team, before: b, after: a });
  }
  return moves.sort((x, y) => (x.after?.rank ?? Infinity) - (y.after?.rank ?? Infinity));
}

/** The phase's ranking inputs with the candidates' aggregates in place of the published ones. */
async function submissionsAfter(db: Pool | PoolClient, phase: PhaseRow, before: LeaderboardSubmission[], pairs: CandidatePair[]): Promise<LeaderboardSubmission[]> {
  const casesBySubmission = new Map<number, StoredCaseMetrics[]>();
  for (const p of pairs) {
    const list = casesBySubmission.get(p.submissionId) ?? [];
    list.push(p.candidate.metrics as StoredCaseMetrics);
    casesBySubmission.set(p.submissionId, list);
  }
  const rerun = await submissionsByIds(db, [...casesBySubmission.keys()]);
  // case-based schemes rank the per-case scores: the candidates' in place of the published ones (failed: null)
  const caseMetrics = isCaseBased(phase.ranking) ? (await caseMetricsOf(db, phase.id, rerun.map((s) => s.submissionId))).bySubmission : new Map<number, Record<string, Record<string, unknown> | null>>();
  for (const p of pairs) {
    const cases = caseMetrics.get(p.submissionId) ?? {};
    cases[p.caseName] = p.candidate.status === 'done' ? (p.candidate.metrics as Record<string, unknown>) : null;
    caseMetrics.set(p.submissionId, cases);
  }
  const replaced = rerun.map((s) => ({
    ...s,
    status: 'done',
    aggregate: aggregateCases(casesBySubmission.get(s.submissionId)!),
    ...(isCaseBased(phase.ranking) ? { caseMetrics: caseMetrics.get(s.submissionId) } : {}),
  }));
  return [...before.filter((s) => !casesBySubmission.has(s.submissionId)), ...replaced];
}

export async function runDiff(db: Pool | PoolClient, phase: PhaseRow, pairs: CandidatePair[]) {
  const changedCases = pairs.map(changedCase).filter((c) => c !== undefined);
  let beforeSubmissions = await evaluatedSubmissions(db, phase.id, false);
  if (isCaseBased(phase.ranking)) {
    const { bySubmission } = await caseMetricsOf(db, phase.id, beforeSubmissions.map((s) => s.submissionId));
    beforeSubmissions = beforeSubmissions.map((s) => ({ ...s, caseMetrics: bySubmission.get(s.submissionId) ?? {} }));
  }
  const before = leaderboardOf(phase, beforeSubmissions).entries;
  const after = leaderboardOf(phase, await submissionsAfter(db, phase, beforeSubmissions, pairs)).entries;
  return { changedCases, unchangedCases: pairs.length - changedCases.length, leaderboard: { before, after, moved: rankMoves(before, after) } };
}

export async function runReport(db: Pool, phase: PhaseRow, storedRun: RunRow): Promise<RunReport> {
  const progress: RunProgress = await runProgress(db, storedRun.id);
  const run = await markReadyIfFinished(db, storedRun, progress);
  const finished = progress.queued + progress.running === 0;
  const pairs = finished ? await candidatePairs(db, run.id) : [];
  const failures = pairs
    .filter((p) => p.candidate.status === 'failed')
    .map((p) => ({ submissionId: p.submissionId, team: p.team, case: p.caseName, error: { code: p.candidate.errorCode as FailureCode | null, message: p.candidate.errorMessage, owner: p.candidate.errorOwner as FailureOwner | null } }));
  // once decided, the published rows are the candidates' (or stay as they were): the audit entry keeps the diff
  const undecided = run.status === 'running' || run.status === 'ready';
  const allDone = progress.total > 0 && progress.done === progress.total;
  return {
    run: runJson(run),
    progress,
    publishable: allDone && undecided,
    failures,
    diff: allDone && undecided ? await runDiff(db, phase, pairs) : null,
  };
}
