/** A phase's leaderboard as the API returns it: ranked entries, plus (for organisers) the excluded ones flagged. */
import type { Pool } from '../db/pool.ts';
import type { RankedMetric, RankingScheme } from '../challenges/ranking-scheme.ts';
import type { PhaseRow } from '../challenges/rows.ts';
import type { AggregatedMetric } from '../jobs/submission-aggregate.ts';
import { buildLeaderboard, rankingExplanation, scoreAgainst, type LeaderboardPick, type RankedEntry } from './rank.ts';
import { evaluatedSubmissions, type LeaderboardSubmission } from './store.ts';

export interface LeaderboardEntry {
  /** null for an excluded (hidden or disqualified) entry, listed only in the organisers' view. */
  rank: number | null;
  team: { id: number; name: string };
  submissionId: number;
  submittedAt: Date;
  score: number;
  metricRanks?: Partial<Record<RankedMetric, number>>;
  mean: Record<AggregatedMetric, number>;
  std: Record<AggregatedMetric, number>;
  cases: number;
  hidden?: boolean;
  hiddenReason?: string | null;
  disqualified?: boolean;
  disqualifiedReason?: string | null;
}

export interface Leaderboard {
  phase: { id: number; name: string; challengeId: number };
  scheme: RankingScheme;
  pick: LeaderboardPick;
  explanation: string;
  entries: LeaderboardEntry[];
}

function entryOf(s: LeaderboardSubmission, rank: number | null, score: number, flagged: boolean, metricRanks?: RankedEntry['metricRanks']): LeaderboardEntry {
  const entry: LeaderboardEntry = {
    rank,
    team: s.team,
    submissionId: s.submissionId,
    submittedAt: s.submittedAt,
    score,
    ...(metricRanks ? { metricRanks } : {}),
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
  const entries = ranked.map((e) => entryOf(e.submission, e.rank, e.score, includeExcluded, e.metricRanks));
  if (includeExcluded) {
    const rankedSubmissions = ranked.map((e) => e.submission);
    for (const s of submissions) {
      if ((s.hidden || s.disqualified) && s.status === 'done' && s.aggregate) {
        entries.push(entryOf(s, null, scoreAgainst(phase.ranking, rankedSubmissions, s), true));
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

/** One query for the submissions; ranking happens in memory. */
export async function phaseLeaderboard(db: Pool, phase: PhaseRow, includeExcluded = false): Promise<Leaderboard> {
  return leaderboardOf(phase, await evaluatedSubmissions(db, phase.id, includeExcluded), includeExcluded);
}
