/**
 * A phase's leaderboard as the API returns it: ranked entries, plus (for organisers) the excluded ones flagged,
 * and, where the caller may see it (uncertainty-visibility.ts), each entry's cached rank interval.
 */
import type { Leaderboard, LeaderboardEntry, LeaderboardUncertainty } from '../../contract/leaderboards.ts';
import type { Pool } from '../db/pool.ts';
import { isCaseBased } from '../challenges/ranking-scheme.ts';
import type { PhaseRow } from '../challenges/rows.ts';
import { buildLeaderboard, rankingExplanation, scoreAgainst, type RankedEntry } from './rank.ts';
import { caseMetricsOf, evaluatedSubmissions, type LeaderboardSubmission } from './store.ts';
import { cachedUncertainty, type UncertaintyRow } from './uncertainty-store.ts';

export type { Leaderboard, LeaderboardEntry };

function entryOf(s: LeaderboardSubmission, ranked: Omit<Partial<RankedEntry>, 'rank'> & { rank: number | null; score: number }, flagged: boolean): LeaderboardEntry {
  const entry: LeaderboardEntry = {
    rank: ranked.rank,
    team: s.team,
    submissionId: s.submissionId,
    submittedAt: s.submittedAt.toISOString(),
    score: ranked.score,
    ...(ranked.metricRanks ? { metricRanks: ranked.metricRanks } : {}),
    ...(ranked.imputedCases !== undefined ? { imputedCases: ranked.imputedCases } : {}),
    mean: s.aggregate!.mean,
    std: s.aggregate!.std,
    cases: s.aggregate!.cases,
  };
  if (flagged) Object.assign(entry, { hidden: s.hidden, hiddenReason: s.hiddenReason, disqualified: s.disqualified, disqualifiedReason: s.disqualifiedReason });
  return entry;
}

/** Pure: the leaderboard from the phase's evaluated submissions (excluded ones appended, flagged, when asked). */
export function leaderboardOf(phase: PhaseRow, submissions: LeaderboardSubmission[], includeExcluded = false): Leaderboard {
  const ranked = buildLeaderboard(phase.ranking, phase.leaderboard_pick, submissions);
  const entries = ranked.map((e) => entryOf(e.submission, e, includeExcluded));
  if (includeExcluded) {
    const rankedSubmissions = ranked.map((e) => e.submission);
    for (const s of submissions) {
      if ((s.hidden || s.disqualified) && s.status === 'done' && s.aggregate) {
        entries.push(entryOf(s, { rank: null, score: scoreAgainst(phase.ranking, rankedSubmissions, s) }, true));
      }
    }
  }
  return {
    phase: { id: phase.id, name: phase.name, challengeId: phase.challenge_id },
    scheme: phase.ranking,
    pick: phase.leaderboard_pick,
    explanation: rankingExplanation(phase.ranking, phase.leaderboard_pick),
    entries,
  };
}

/** The same JSON value (jsonb comes back with its keys in its own order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Pure: the cached uncertainty laid onto the leaderboard, when it was computed for exactly its ranked entries and
 * under the phase's current scheme.
 */
export function withUncertainty(board: Leaderboard, cached: UncertaintyRow | null): Leaderboard {
  const ids = board.entries.filter((e) => e.rank !== null).map((e) => e.submissionId).sort((a, b) => a - b);
  const current =
    cached !== null && sameJson(cached.scheme, board.scheme) && cached.submission_ids.length === ids.length && cached.submission_ids.every((id, i) => id === ids[i]);
  let uncertainty: LeaderboardUncertainty;
  if (!current) uncertainty = { status: ids.length >= 2 ? 'pending' : 'not-applicable' };
  else if (!cached.result) uncertainty = { status: 'not-applicable', computedAt: cached.computed_at.toISOString() };
  else {
    const r = cached.result;
    uncertainty = { status: 'ready', samples: r.samples, cases: r.cases, seed: r.seed, computedAt: cached.computed_at.toISOString(), indistinguishableTop: r.indistinguishableTop, note: r.note };
    const byId = new Map(r.entries.map((e) => [e.submissionId, e]));
    for (const entry of board.entries) {
      const u = entry.rank !== null ? byId.get(entry.submissionId) : undefined;
      if (u) entry.rankInterval = { low: u.interval[0], high: u.interval[1], keepShare: u.keepShare };
    }
  }
  return { ...board, uncertainty };
}

/** The submissions with their per-case metrics attached, for case-based schemes (one more query). */
export async function withCaseMetrics(db: Pool, phase: PhaseRow, submissions: LeaderboardSubmission[]): Promise<LeaderboardSubmission[]> {
  const { bySubmission } = await caseMetricsOf(db, phase.id, submissions.map((s) => s.submissionId));
  return submissions.map((s) => ({ ...s, caseMetrics: bySubmission.get(s.submissionId) ?? {} }));
}

/**
 * One query for the submissions (two for case-based schemes); ranking happens in memory. With
 * `showUncertainty`, the cached rank intervals are read too (one more query, no computation).
 */
export async function phaseLeaderboard(db: Pool, phase: PhaseRow, includeExcluded = false, showUncertainty = false): Promise<Leaderboard> {
  let submissions = await evaluatedSubmissions(db, phase.id, includeExcluded);
  if (isCaseBased(phase.ranking)) submissions = await withCaseMetrics(db, phase, submissions);
  const board = leaderboardOf(phase, submissions, includeExcluded);
  return showUncertainty ? withUncertainty(board, await cachedUncertainty(db, phase.id)) : board;
}
