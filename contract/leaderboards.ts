/** A phase's leaderboard: ranked entries, plus (organisers, `?all=1`) the excluded ones flagged. */
import { z } from 'zod';
import { Id, IdRef, Instant, Metrics, MetricName } from './common.ts';
import { LeaderboardPick, RankingScheme, ResultsVisibility } from './phases.ts';

export const LeaderboardQuery = z.object({ all: z.enum(['0', '1', 'true', 'false'], { error: 'all must be 1 or 0' }).optional() });

export const LeaderboardEntry = z.strictObject({
  /** null for an excluded (hidden or disqualified) entry, listed only in the organisers' view. */
  rank: z.number().int().nullable(),
  team: IdRef,
  submissionId: Id,
  submittedAt: Instant,
  /** weighted: the weighted sum (higher is better); mean-rank: the average rank (lower is better). */
  score: z.number(),
  /** mean-rank only: the entry's rank on each ranked metric. */
  metricRanks: z.partialRecord(MetricName, z.number()).optional(),
  mean: Metrics,
  std: Metrics,
  cases: z.number().int(),
  hidden: z.boolean().optional(),
  hiddenReason: z.string().nullable().optional(),
  disqualified: z.boolean().optional(),
  disqualifiedReason: z.string().nullable().optional(),
});
export type LeaderboardEntry = z.infer<typeof LeaderboardEntry>;

export const Leaderboard = z.strictObject({
  phase: z.strictObject({ id: Id, name: z.string(), challengeId: Id }),
  scheme: RankingScheme,
  pick: LeaderboardPick,
  explanation: z.string(),
  entries: z.array(LeaderboardEntry),
  /** Present when the phase withholds its results from teams (entries then empty): until when, or for good. */
  withheld: z.strictObject({ visibility: ResultsVisibility, visibleFrom: Instant.nullable() }).optional(),
});
export type Leaderboard = z.infer<typeof Leaderboard>;
