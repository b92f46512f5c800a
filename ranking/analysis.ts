/**
 * The ranking analysis of one score table, as challengeR (v1.0.5) computes it and `../shared/ranking` documents:
 * aggregate-then-rank (mean, median), rank-then-aggregate (mean per-case rank), every ordered pair's one-sided
 * Wilcoxon signed-rank p-value with Holm's adjustment over all m(m−1) of them, test-then-rank (the share of the
 * others beaten at unadjusted p ≤ 0.05), Kendall's τ-b between the mean and the rank-then-aggregate rankings, and
 * a seeded bootstrap of cases for aggregate-then-rank (mean): rank frequencies, type-7 rank quantiles, τ against
 * the full ranking. Ranks share the better rank on ties (R's ties.method = "min"). Pure.
 */
import { holmAdjust } from './holm.ts';
import { kendallTauB } from './kendall.ts';
import { median, quantileType7 } from './quantile.ts';
import type { ScoreTable } from './score-table.ts';
import { seededRandom } from './seeded-random.ts';
import { ranksMin } from './ties.ts';
import { wilcoxonSignedRankGreater } from './wilcoxon.ts';

export const SIGNIFICANCE_LEVEL = 0.05;

export interface RankedEntry {
  algorithm: string;
  score: number;
  rank: number;
}

export interface PairwiseTest {
  a: string;
  b: string;
  p: number | null;
  p_holm: number | null;
  significant_holm: boolean;
  significant_none: boolean;
}

export interface RankingAnalysis {
  aggregate_then_rank_mean: RankedEntry[];
  aggregate_then_rank_median: RankedEntry[];
  rank_then_aggregate: RankedEntry[];
  test_then_rank: RankedEntry[];
  pairwise: PairwiseTest[];
  kendall_tau_mean_vs_rank_then_aggregate: number | null;
  bootstrap_mean: {
    samples: number;
    rank_frequencies: Record<string, Record<string, number>>;
    'quantiles_2.5_50_97.5': Record<string, number[]>;
    kendall_tau: { mean: number | null; median: number | null };
  };
  /** Cells that had no value and took the worst one of the table. */
  filled: Array<{ algorithm: string; case: string }>;
}

export interface AnalysisOptions {
  /** Larger values are better (default); false for metrics such as a distance. */
  readonly largerIsBetter?: boolean;
  readonly bootstrapSamples?: number;
  readonly seed?: number;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

function entries(algorithms: string[], scores: number[], ranks: number[]): RankedEntry[] {
  return algorithms.map((algorithm, a) => ({ algorithm, score: scores[a], rank: ranks[a] }));
}

/** Means of the chosen cases (with repeats) per algorithm. */
function sampleMeans(values: Float64Array[], picks: Int32Array): number[] {
  return values.map((row) => {
    let sum = 0;
    for (let i = 0; i < picks.length; i++) sum += row[picks[i]];
    return sum / picks.length;
  });
}

export function rankingAnalysis(table: ScoreTable, options: AnalysisOptions = {}): RankingAnalysis {
  const larger = options.largerIsBetter ?? true;
  const samples = options.bootstrapSamples ?? 1000;
  const { algorithms, cases, values } = table;
  const m = algorithms.length;
  const nCases = cases.length;

  const means = values.map(mean);
  const meanRanks = ranksMin(means, larger);
  const medians = values.map(median);

  const perCaseRanks = values.map(() => new Float64Array(nCases));
  for (let c = 0; c < nCases; c++) {
    const ranks = ranksMin(values.map((row) => row[c]), larger);
    ranks.forEach((rank, a) => (perCaseRanks[a][c] = rank));
  }
  const meanCaseRanks = perCaseRanks.map(mean);
  const rtaRanks = ranksMin(meanCaseRanks, false);

  const tests: Array<{ a: number; b: number; p: number }> = [];
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      if (a === b) continue;
      // "a is better than b": greater when larger is better, else b greater than a
      const p = larger ? wilcoxonSignedRankGreater(values[a], values[b]).p : wilcoxonSignedRankGreater(values[b], values[a]).p;
      tests.push({ a, b, p });
    }
  }
  const holm = holmAdjust(tests.map((t) => t.p));
  const pairwise = tests.map((t, i) => ({
    a: algorithms[t.a],
    b: algorithms[t.b],
    p: finiteOrNull(t.p),
    p_holm: finiteOrNull(holm[i]),
    significant_holm: !Number.isNaN(holm[i]) && holm[i] <= SIGNIFICANCE_LEVEL,
    significant_none: !Number.isNaN(t.p) && t.p <= SIGNIFICANCE_LEVEL,
  }));
  const beaten = algorithms.map((_, a) => tests.filter((t) => t.a === a && !Number.isNaN(t.p) && t.p <= SIGNIFICANCE_LEVEL).length / (m - 1));
  const ttrRanks = ranksMin(beaten, true);

  // bootstrap of cases, aggregate-then-rank (mean); every algorithm keeps its paired case values
  const random = seededRandom(options.seed ?? 1);
  const rankCounts = algorithms.map(() => new Float64Array(m));
  const sampleRanks = algorithms.map(() => new Float64Array(samples));
  const taus: number[] = [];
  const picks = new Int32Array(nCases);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < nCases; i++) picks[i] = Math.floor(random() * nCases);
    const ranks = ranksMin(sampleMeans(values, picks), larger);
    ranks.forEach((rank, a) => {
      rankCounts[a][rank - 1]++;
      sampleRanks[a][s] = rank;
    });
    const tau = kendallTauB(ranks, meanRanks);
    if (!Number.isNaN(tau)) taus.push(tau);
  }
  const rankFrequencies: Record<string, Record<string, number>> = {};
  const quantiles: Record<string, number[]> = {};
  algorithms.forEach((algorithm, a) => {
    rankFrequencies[algorithm] = Object.fromEntries(Array.from(rankCounts[a], (count, r) => [String(r + 1), count / samples]));
    quantiles[algorithm] = quantileType7(sampleRanks[a], [0.025, 0.5, 0.975]);
  });

  return {
    aggregate_then_rank_mean: entries(algorithms, means, meanRanks),
    aggregate_then_rank_median: entries(algorithms, medians, ranksMin(medians, larger)),
    rank_then_aggregate: entries(algorithms, meanCaseRanks, rtaRanks),
    test_then_rank: entries(algorithms, beaten, ttrRanks),
    pairwise,
    kendall_tau_mean_vs_rank_then_aggregate: finiteOrNull(kendallTauB(meanRanks, rtaRanks)),
    bootstrap_mean: {
      samples,
      rank_frequencies: rankFrequencies,
      'quantiles_2.5_50_97.5': quantiles,
      kendall_tau: { mean: taus.length ? finiteOrNull(mean(taus)) : null, median: taus.length ? finiteOrNull(median(taus)) : null },
    },
    filled: table.filled,
  };
}
