/** A phase's leaderboard: ranked entries, plus (organisers, `?all=1`) the excluded ones flagged. */
import { z } from 'zod';
import { Id, IdRef, Instant, Metrics } from './common.ts';
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
  /** mean-rank and case-based schemes: the entry's rank on each ranked metric (any metric of the catalogue). */
  metricRanks: z.record(z.string(), z.number()).optional(),
  /** Case-based schemes: cases that were missing or failed and counted with the worst value of their metric. */
  imputedCases: z.number().int().optional(),
  /**
   * Where the rank uncertainty is shown: the 2.5–97.5 % interval of the entry's rank over 1,000 bootstrap samples
   * of the cases, and the share of samples in which it keeps its rank.
   */
  rankInterval: z.strictObject({ low: z.number(), high: z.number(), keepShare: z.number() }).optional(),
  mean: Metrics,
  std: Metrics,
  cases: z.number().int(),
  hidden: z.boolean().optional(),
  hiddenReason: z.string().nullable().optional(),
  disqualified: z.boolean().optional(),
  disqualifiedReason: z.string().nullable().optional(),
});
export type LeaderboardEntry = z.infer<typeof LeaderboardEntry>;

/**
 * How certain the order is (absent where the phase does not show results to teams and the caller is not an
 * organiser): 'ready' with the bootstrap's size and a note when the top places are statistically
 * indistinguishable; 'pending' while the job computes it for the current entries; 'not-applicable' under 2
 * entries or 5 cases.
 */
export const LeaderboardUncertainty = z.strictObject({
  status: z.enum(['ready', 'pending', 'not-applicable']),
  samples: z.number().int().optional(),
  cases: z.number().int().optional(),
  seed: z.number().int().optional(),
  computedAt: Instant.optional(),
  /** How many entries' intervals include first place, when more than one (else 0). */
  indistinguishableTop: z.number().int().optional(),
  note: z.string().nullable().optional(),
});
export type LeaderboardUncertainty = z.infer<typeof LeaderboardUncertainty>;

export const Leaderboard = z.strictObject({
  phase: z.strictObject({ id: Id, name: z.string(), challengeId: Id }),
  scheme: RankingScheme,
  pick: LeaderboardPick,
  explanation: z.string(),
  entries: z.array(LeaderboardEntry),
  /** Present when the phase withholds its results from teams (entries then empty): until when, or for good. */
  withheld: z.strictObject({ visibility: ResultsVisibility, visibleFrom: Instant.nullable() }).optional(),
  uncertainty: LeaderboardUncertainty.optional(),
});
export type Leaderboard = z.infer<typeof Leaderboard>;
