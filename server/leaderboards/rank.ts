/**
 * Leaderboard ranking, pure: which submission stands for each team, and in what order the teams come.
 *
 * - Eligible submissions: status 'done' with an aggregate, neither hidden nor disqualified.
 * - One entry per team: its latest eligible submission (`pick: 'latest'`), or its best one by the phase's scheme
 *   (`pick: 'best'`).
 * - Scheme 'weighted' (ATM'22 official: 0.25 × each of TD, BD, DSC, Precision): score = Σ w · mean(metric),
 *   higher is better; ties broken by the same weighted sum of the unrounded means, then by the earlier submission.
 * - Scheme 'mean-rank': per metric, teams ranked by mean (higher is better) with standard competition ranking
 *   ("1224"): a tie on the rounded mean is broken by the unrounded mean, and only entries equal on both share the
 *   better rank. Score = the average of those ranks, lower is better; ties go to the earlier submission. A team's
 *   best submission under this scheme is the one with the best average rank among all eligible submissions.
 * - Case-based schemes ('aggregate-then-rank', 'rank-then-aggregate', 'test-then-rank'): ranking/schemes.ts over
 *   the submissions' per-case scores (`caseMetrics`); ties share the better rank (the order among tied entries is
 *   the earlier submission first); a case an entry lacks, or whose value is not a number, takes the worst value of
 *   its metric and is counted in `imputedCases`.
 */
import { rankScheme } from '../../ranking/schemes.ts';
import { type AggregatedMetric, type SubmissionAggregate } from '../jobs/submission-aggregate.ts';
import { isCaseBased, schemeSpecOf, type CaseBasedScheme, type RankingScheme } from '../challenges/ranking-scheme.ts';
import { metricTableOf } from './case-table.ts';
import { STORED_METRIC_NAMES } from '../../contract/common.ts';

export type LeaderboardPick = 'best' | 'latest';

export interface RankableSubmission {
  submissionId: number;
  team: { id: number; name: string };
  submittedAt: Date;
  status: string;
  hidden: boolean;
  disqualified: boolean;
  aggregate: SubmissionAggregate | null;
  /** Case-based schemes only: case name → the stored metrics of the published evaluation (null: failed). */
  caseMetrics?: Record<string, Record<string, unknown> | null>;
}

export interface RankedEntry<S extends RankableSubmission = RankableSubmission> {
  rank: number;
  /** weighted: the weighted sum (higher is better); mean-rank: the average rank (lower is better). */
  score: number;
  /** mean-rank and case-based schemes: the entry's rank on each ranked metric. */
  metricRanks?: Record<string, number>;
  /** Case-based schemes: cases that were missing or failed and took the worst value of their metric. */
  imputedCases?: number;
  submission: S;
}

/** Two scores closer than this (relative) are equal: sums of the same means in another order differ by ~1e-16. */
const TIE_TOLERANCE = 1e-12;

function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= TIE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Negative when `a` should come first. */
function compareDescending(a: number, b: number): number {
  return same(a, b) ? 0 : b - a;
}

function earlierFirst(a: RankableSubmission, b: RankableSubmission): number {
  return a.submittedAt.getTime() - b.submittedAt.getTime() || a.submissionId - b.submissionId;
}

export function isEligible(s: RankableSubmission): boolean {
  return s.status === 'done' && !s.hidden && !s.disqualified && s.aggregate !== null;
}

// any suite's metric may carry a weight (AIIB23 phases: issue 13); the rank helper (issue 12) generalises the rest
function weightsOf(scheme: Extract<RankingScheme, { scheme: 'weighted' }>): Array<[AggregatedMetric, number]> {
  const weights = scheme.weights as Record<string, number | undefined>;
  return STORED_METRIC_NAMES.filter((m) => typeof weights[m] === 'number' && weights[m] !== 0).map((m) => [m as AggregatedMetric, weights[m] as number]);
}

export function weightedScore(scheme: Extract<RankingScheme, { scheme: 'weighted' }>, values: Record<AggregatedMetric, number>): number {
  let sum = 0;
  for (const [metric, weight] of weightsOf(scheme)) sum += weight * values[metric];
  return sum;
}

function rankWeighted<S extends RankableSubmission>(scheme: Extract<RankingScheme, { scheme: 'weighted' }>, entries: S[]): RankedEntry<S>[] {
  const scored = entries.map((s) => ({
    s,
    score: weightedScore(scheme, s.aggregate!.mean),
    tieBreak: weightedScore(scheme, s.aggregate!.unroundedMean),
  }));
  scored.sort((a, b) => compareDescending(a.score, b.score) || compareDescending(a.tieBreak, b.tieBreak) || earlierFirst(a.s, b.s));
  return scored.map((x, i) => ({ rank: i + 1, score: x.score, submission: x.s }));
}

/** Standard competition ranks ("1224") of `entries` on one metric: rounded mean, then unrounded mean, both descending. */
export function competitionRanks(entries: RankableSubmission[], metric: AggregatedMetric): number[] {
  const key = (s: RankableSubmission) => [s.aggregate!.mean[metric], s.aggregate!.unroundedMean[metric]] as const;
  const compare = (a: RankableSubmission, b: RankableSubmission) => compareDescending(key(a)[0], key(b)[0]) || compareDescending(key(a)[1], key(b)[1]);
  const order = entries.map((_, i) => i).sort((i, j) => compare(entries[i], entries[j]));
  const ranks = new Array<number>(entries.length);
  order.forEach((index, position) => {
    const previous = order[position - 1];
    ranks[index] = position > 0 && compare(entries[previous], entries[index]) === 0 ? ranks[previous] : position + 1;
  });
  return ranks;
}

function rankMeanRank<S extends RankableSubmission>(scheme: Extract<RankingScheme, { scheme: 'mean-rank' }>, entries: S[]): RankedEntry<S>[] {
  const metrics = scheme.metrics.filter((m) => (STORED_METRIC_NAMES as readonly string[]).includes(m));
  const perMetric = metrics.map((m) => competitionRanks(entries, m));
  const scored = entries.map((s, i) => {
    const metricRanks: Record<string, number> = {};
    metrics.forEach((m, k) => (metricRanks[m] = perMetric[k][i]));
    const score = metrics.length ? perMetric.reduce((sum, ranks) => sum + ranks[i], 0) / metrics.length : 0;
    return { s, score, metricRanks };
  });
  scored.sort((a, b) => compareDescending(b.score, a.score) || earlierFirst(a.s, b.s));
  return scored.map((x, i) => ({ rank: i + 1, score: x.score, metricRanks: x.metricRanks, submission: x.s }));
}

function rankCaseBased<S extends RankableSubmission>(scheme: CaseBasedScheme, entries: S[]): RankedEntry<S>[] {
  if (entries.length === 0) return [];
  const spec = schemeSpecOf(scheme);
  const result = rankScheme(spec, metricTableOf(entries, spec.metrics.map((m) => m.name)));
  const order = entries.map((_, i) => i).sort((i, j) => result.ranks[i] - result.ranks[j] || earlierFirst(entries[i], entries[j]));
  return order.map((i) => {
    const metricRanks: Record<string, number> = {};
    for (const [name, ranks] of Object.entries(result.metricRanks)) metricRanks[name] = ranks[i];
    return { rank: result.ranks[i], score: result.scores[i], metricRanks, imputedCases: result.imputed[i], submission: entries[i] };
  });
}

/** Orders the given entries (assumed eligible, one per team or not) by the scheme. */
export function rankEntries<S extends RankableSubmission>(scheme: RankingScheme, entries: S[]): RankedEntry<S>[] {
  if (isCaseBased(scheme)) return rankCaseBased(scheme, entries);
  return scheme.scheme === 'mean-rank' ? rankMeanRank(scheme, entries) : rankWeighted(scheme, entries);
}

/** Each team's submission for the leaderboard, among the eligible ones. */
export function pickTeamSubmissions<S extends RankableSubmission>(scheme: RankingScheme, pick: LeaderboardPick, submissions: S[]): S[] {
  const eligible = submissions.filter(isEligible);
  const ordered = pick === 'latest' ? [...eligible].sort((a, b) => -earlierFirst(a, b)) : rankEntries(scheme, eligible).map((e) => e.submission);
  const chosen = new Map<number, S>();
  for (const s of ordered) if (!chosen.has(s.team.id)) chosen.set(s.team.id, s);
  return [...chosen.values()];
}

/** The leaderboard of a phase: one ranked entry per team. */
export function buildLeaderboard<S extends RankableSubmission>(scheme: RankingScheme, pick: LeaderboardPick, submissions: S[]): RankedEntry<S>[] {
  return rankEntries(scheme, pickTeamSubmissions(scheme, pick, submissions));
}

/**
 * The score an excluded (hidden or disqualified) submission would have had against the ranked entries: its
 * weighted sum, or its average rank when inserted among them (mean-rank scores depend on the others).
 */
export function scoreAgainst<S extends RankableSubmission>(scheme: RankingScheme, ranked: S[], candidate: S): number {
  if (scheme.scheme === 'weighted') return weightedScore(scheme, candidate.aggregate!.mean);
  const others = ranked.filter((s) => s.team.id !== candidate.team.id);
  return rankEntries(scheme, [...others, candidate]).find((e) => e.submission === candidate)!.score;
}

function listMetrics(metrics: string[]): string {
  return metrics.length <= 1 ? metrics.join('') : `${metrics.slice(0, -1).join(', ')} and ${metrics[metrics.length - 1]}`;
}

function pickSentence(scheme: RankingScheme, pick: LeaderboardPick): string {
  if (pick === 'latest') return "Each team's latest evaluated submission counts.";
  if (isCaseBased(scheme)) return "Each team's best submission counts: the one ranked first among all its evaluated submissions.";
  return scheme.scheme === 'weighted'
    ? "Each team's best submission by this score counts."
    : "Each team's best submission counts: the one with the best average rank among all evaluated submissions.";
}

/** One or two sentences that say how the leaderboard is ordered; returned with it. */
function caseBasedExplanation(scheme: CaseBasedScheme): string {
  const metrics = schemeSpecOf(scheme).metrics.map((m) => `${m.name} (${m.direction} is better${m.weight !== 1 ? `, weight ${m.weight}` : ''})`);
  const per =
    scheme.scheme === 'aggregate-then-rank'
      ? `Teams are ranked on each of ${listMetrics(metrics)} by their ${scheme.aggregate} over the cases`
      : scheme.scheme === 'rank-then-aggregate'
        ? `Teams are ranked on every case on each of ${listMetrics(metrics)}, then by their mean rank over the cases`
        : `Teams are ranked on each of ${listMetrics(metrics)} by the share of the other teams they beat significantly (one-sided paired Wilcoxon signed-rank test, p ≤ 0.05)`;
  const combine = metrics.length > 1 ? ', then ordered by the weighted mean of those ranks (lower is better)' : '';
  return (
    `${per}${combine}. Ties share the better rank (1-2-2-4). A case that is missing or failed counts with the worst value ` +
    `of its metric in the phase (the number of such cases is shown per entry).`
  );
}

export function rankingExplanation(scheme: RankingScheme, pick: LeaderboardPick = 'best'): string {
  if (isCaseBased(scheme)) return `${caseBasedExplanation(scheme)} ${pickSentence(scheme, pick)}`;
  if (scheme.scheme === 'weighted') {
    const terms = weightsOf(scheme).map(([m, w]) => `${w} × ${m}`).join(' + ');
    return (
      `Teams are ordered by the score ${terms || '0'} over the mean of each metric across the cases (higher is better); ` +
      `ties are broken by the same sum over the unrounded means, then by the earlier submission. ${pickSentence(scheme, pick)}`
    );
  }
  return (
    `Teams are ranked on each of ${listMetrics(scheme.metrics)} by their mean across the cases (higher is better; a tie is ` +
    `broken by the unrounded mean, and teams still equal share the better rank, as in 1-2-2-4), then ordered by their ` +
    `average rank (lower is better); ties go to the earlier submission. ${pickSentence(scheme, pick)}`
  );
}
