/**
 * Ranking schemes over per-case scores of any metrics (metric-table.ts), each metric with a direction and a weight.
 *
 * - aggregate-then-rank: per metric, each entry's mean (or median) over the cases, ranked in the metric's direction.
 * - rank-then-aggregate (BraTS): per metric, the entries ranked on every case, then each entry's mean case rank
 *   (lower is better).
 * - test-then-rank: per metric, the share of the other entries an entry beats with a one-sided paired Wilcoxon
 *   signed-rank test at p ≤ 0.05, unadjusted (challengeR's test-then-rank; higher is better).
 * - mean-rank (Carina's historical multi-metric scheme): aggregate-then-rank by the mean, per metric.
 * - weighted (ATM'22): score = Σ weight × mean (or median) of each metric, a lower-is-better metric entering with a
 *   minus sign; higher is better; no per-metric ranks.
 *
 * With several metrics (every scheme but weighted) the entry's score is the weighted mean of its per-metric ranks
 * (lower is better); with one metric it is that metric's score. Ranks: standard competition ranking, ties share
 * the better rank ("1224"); two scores within 1e-12 (relative) are a tie, as sums of the same values in another
 * order differ by ~1e-16. Missing or failed cases take the worst value of their metric (metric-table.ts), and
 * `imputed` says how many cases of each entry did. Pure.
 */
import { median } from './quantile.ts';
import { imputeWorst, type Direction, type FilledTable, type MetricTable } from './metric-table.ts';
import { SIGNIFICANCE_LEVEL } from './analysis.ts';
import { wilcoxonSignedRankBothWays } from './wilcoxon.ts';
import { caseCounts, pairDifferences, winsOnCounts } from './resampled-signed-rank.ts';

export type SchemeKind = 'aggregate-then-rank' | 'rank-then-aggregate' | 'test-then-rank' | 'mean-rank' | 'weighted';
export type Aggregation = 'mean' | 'median';

export interface SchemeMetric {
  readonly name: string;
  readonly direction: Direction;
  readonly weight: number;
}

export interface SchemeSpec {
  readonly kind: SchemeKind;
  /** aggregate-then-rank and weighted: how each metric's case values are summarised (default: mean). */
  readonly aggregate?: Aggregation;
  readonly metrics: readonly SchemeMetric[];
}

export interface SchemeResult {
  readonly entries: readonly string[];
  readonly scores: number[];
  /** Which way the final score is better. */
  readonly scoreDirection: Direction;
  readonly ranks: number[];
  /** Per metric: each entry's score under the scheme (mean, median, mean case rank or share beaten). */
  readonly metricScores: Record<string, number[]>;
  /** Per metric: each entry's rank on it (absent for weighted). */
  readonly metricRanks: Record<string, number[]>;
  /** Per entry: cases that had a missing or failed value (they took the worst of their metric). */
  readonly imputed: readonly number[];
}

const TIE_TOLERANCE = 1e-12;

function tied(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= TIE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Standard competition ranks ("1224") with a relative tie tolerance; NaN scores come last. */
export function competitionRanks(values: ArrayLike<number>, direction: Direction): number[] {
  const n = values.length;
  const key = (i: number) => (Number.isNaN(values[i]) ? -Infinity : direction === 'higher' ? values[i] : -values[i]);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(b) - key(a) || a - b);
  const ranks = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    ranks[i] = k > 0 && tied(key(order[k - 1]), key(i)) ? ranks[order[k - 1]] : k + 1;
  }
  return ranks;
}

/** Each metric's own direction under a scheme: aggregate values keep it, mean case ranks are lower-better, shares higher-better. */
function metricScoreDirection(kind: SchemeKind, metric: SchemeMetric): Direction {
  if (kind === 'rank-then-aggregate') return 'lower';
  if (kind === 'test-then-rank') return 'higher';
  return metric.direction;
}

function meanOver(row: Float64Array, picks: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < picks.length; i++) sum += row[picks[i]];
  return sum / picks.length;
}

function gather(row: Float64Array, picks: Int32Array, into: Float64Array): Float64Array {
  for (let i = 0; i < picks.length; i++) into[i] = row[picks[i]];
  return into;
}

/** Ranks within each case (columns): invariant under resampling cases, so computed once. */
function perCaseRanks(rows: readonly Float64Array[], direction: Direction): Float64Array[] {
  const nCases = rows[0]?.length ?? 0;
  const out = rows.map(() => new Float64Array(nCases));
  const column = new Float64Array(rows.length);
  for (let c = 0; c < nCases; c++) {
    rows.forEach((row, e) => (column[e] = row[c]));
    competitionRanks(column, direction).forEach((rank, e) => (out[e][c] = rank));
  }
  return out;
}

/**
 * p[a·m + b]: the one-sided paired Wilcoxon p-value that entry a is better than entry b (in the metric's
 * direction); NaN on the diagonal and where every difference is zero. One ranking of |d| per unordered pair.
 */
export function pairwiseBetterP(samples: readonly Float64Array[], direction: Direction): Float64Array {
  const m = samples.length;
  const p = new Float64Array(m * m).fill(Number.NaN);
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const { greater, less } = wilcoxonSignedRankBothWays(samples[a], samples[b]);
      p[a * m + b] = direction === 'higher' ? greater : less;
      p[b * m + a] = direction === 'higher' ? less : greater;
    }
  }
  return p;
}

/** The share of the m − 1 others that `wins` of them are (0 alone). */
function shareOf(wins: number, m: number): number {
  return m > 1 ? wins / (m - 1) : 0;
}

/** The share of the others each entry beats at unadjusted p ≤ 0.05, from pairwiseBetterP's matrix. */
export function shareBeatenFrom(p: Float64Array, m: number): number[] {
  return Array.from({ length: m }, (_, a) => {
    let wins = 0;
    for (let b = 0; b < m; b++) if (b !== a && p[a * m + b] <= SIGNIFICANCE_LEVEL) wins++;
    return shareOf(wins, m);
  });
}

/** The share of the others each entry beats (one-sided paired Wilcoxon, p ≤ 0.05, unadjusted). */
export function shareBeaten(samples: readonly Float64Array[], direction: Direction): number[] {
  return shareBeatenFrom(pairwiseBetterP(samples, direction), samples.length);
}

function isEveryCase(picks: Int32Array, n: number): boolean {
  if (picks.length !== n) return false;
  for (let i = 0; i < n; i++) if (picks[i] !== i) return false;
  return true;
}

/**
 * A scheme prepared on a filled table: `scoreFor(picks)` gives the result on the cases `picks` (repeats allowed),
 * the fast path of the bootstrap (per-case ranks and imputation done once).
 */
export interface PrepareOptions {
  /** test-then-rank on every case: the metrics' pairwiseBetterP matrices, when the caller has them already. */
  readonly fullPairwise?: Readonly<Record<string, Float64Array>>;
  /**
   * test-then-rank on a sample: 'resampled' (default) tests every pair from its differences sorted once and the
   * sample's case counts (resampled-signed-rank.ts); 'gathered' gathers the sample's values and ranks every pair
   * afresh, as Carina did before: the same p-values bit for bit, ~N× slower, kept as the reference that
   * test/ranking/resampled-signed-rank.test.ts and bench:ranking compare with.
   */
  readonly pairTests?: 'resampled' | 'gathered';
}

export function prepareScheme(spec: SchemeSpec, table: FilledTable, options: PrepareOptions = {}): (picks: Int32Array) => Omit<SchemeResult, 'entries' | 'imputed'> {
  const { fullPairwise, pairTests = 'resampled' } = options;
  if (spec.metrics.length === 0) throw new Error('a ranking scheme needs at least one metric');
  const kind = spec.kind;
  const aggregate: Aggregation = kind === 'mean-rank' ? 'mean' : (spec.aggregate ?? 'mean');
  const m = table.entries.length;
  const caseRanks = kind === 'rank-then-aggregate' ? spec.metrics.map((metric) => perCaseRanks(table.metrics[metric.name], metric.direction)) : [];
  // test-then-rank: each metric's pair differences sorted once; a sample only counts its drawn cases
  const resampled = kind === 'test-then-rank' && pairTests === 'resampled';
  const differences = resampled ? spec.metrics.map((metric) => pairDifferences(table.metrics[metric.name])) : [];
  const counts = new Int32Array(table.cases.length);
  const wins = new Float64Array(m);
  let scratch = new Float64Array(0);
  const summarise = (row: Float64Array, picks: Int32Array): number => {
    if (aggregate === 'mean') return meanOver(row, picks);
    if (scratch.length !== picks.length) scratch = new Float64Array(picks.length);
    return median(gather(row, picks, scratch));
  };
  return (picks) => {
    if (resampled) caseCounts(picks, counts);
    const metricScores: Record<string, number[]> = {};
    const metricRanks: Record<string, number[]> = {};
    spec.metrics.forEach((metric, k) => {
      const rows = table.metrics[metric.name];
      let scores: number[];
      if (kind === 'rank-then-aggregate') scores = caseRanks[k].map((row) => meanOver(row, picks));
      else if (kind === 'test-then-rank') {
        const known = fullPairwise?.[metric.name];
        if (known && isEveryCase(picks, table.cases.length)) scores = shareBeatenFrom(known, m);
        else if (resampled) scores = Array.from(winsOnCounts(differences[k], counts, metric.direction, SIGNIFICANCE_LEVEL, wins), (w) => shareOf(w, m));
        else scores = shareBeaten(rows.map((row) => gather(row, picks, new Float64Array(picks.length))), metric.direction);
      }
      else scores = rows.map((row) => summarise(row, picks));
      metricScores[metric.name] = scores;
      if (kind !== 'weighted') metricRanks[metric.name] = competitionRanks(scores, metricScoreDirection(kind, metric));
    });
    if (kind === 'weighted') {
      const scores = new Array<number>(m).fill(0);
      for (const metric of spec.metrics) {
        const sign = metric.direction === 'higher' ? 1 : -1;
        metricScores[metric.name].forEach((v, e) => (scores[e] += sign * metric.weight * v));
      }
      return { scores, scoreDirection: 'higher', ranks: competitionRanks(scores, 'higher'), metricScores, metricRanks };
    }
    if (spec.metrics.length === 1) {
      const only = spec.metrics[0];
      const direction = metricScoreDirection(kind, only);
      return { scores: metricScores[only.name], scoreDirection: direction, ranks: metricRanks[only.name], metricScores, metricRanks };
    }
    const totalWeight = spec.metrics.reduce((sum, metric) => sum + metric.weight, 0) || 1;
    const scores = table.entries.map((_, e) => spec.metrics.reduce((sum, metric) => sum + metric.weight * metricRanks[metric.name][e], 0) / totalWeight);
    return { scores, scoreDirection: 'lower', ranks: competitionRanks(scores, 'lower'), metricScores, metricRanks };
  };
}

/** Every case once, in order. */
export function allCases(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Ranks the entries of `table` by `spec`; missing or failed cases take the worst value of their metric. */
export function rankScheme(spec: SchemeSpec, table: MetricTable): SchemeResult {
  const filled = imputeWorst(table, spec.metrics);
  const result = prepareScheme(spec, filled)(allCases(table.cases.length));
  return { entries: table.entries, imputed: filled.imputed, ...result };
}
