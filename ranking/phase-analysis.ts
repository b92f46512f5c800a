/**
 * The organiser's ranking analysis of a phase (the figures of a challenge paper), from one metric table and the
 * phase's scheme:
 * - uncertainty: the phase's scheme over 1,000 seeded bootstrap samples of cases (rank-uncertainty.ts: blob plot);
 * - significance: per metric, every ordered pair's one-sided paired Wilcoxon p-value, Holm-adjusted over the
 *   m(m−1) tests of that metric (significant at ≤ 0.05);
 * - perMetric: per metric, the aggregate-then-rank (mean) ranking;
 * - schemes: the phase's scheme and every other scheme over the same metrics, with Kendall's τ-b between each pair;
 * - spread: per metric and entry, the filled case values (box plot per team);
 * - difficulty: per metric and case, the median, minimum and maximum over the entries.
 * Missing or failed cases take the worst value of their metric (metric-table.ts); `imputed` counts them. Pure.
 */
import { SIGNIFICANCE_LEVEL } from './analysis.ts';
import { holmAdjust } from './holm.ts';
import { kendallTauB } from './kendall.ts';
import { imputeWorst, type MetricTable } from './metric-table.ts';
import { median } from './quantile.ts';
import { rankUncertainty, type RankUncertainty } from './rank-uncertainty.ts';
import { allCases, pairwiseBetterP, prepareScheme, type SchemeMetric, type SchemeSpec } from './schemes.ts';

export interface SchemeRanking {
  id: string;
  label: string;
  spec: SchemeSpec;
  scores: number[];
  ranks: number[];
}

export interface PairSignificance {
  winner: string;
  loser: string;
  p: number | null;
  pHolm: number | null;
  significant: boolean;
}

export interface PhaseAnalysis {
  entries: readonly string[];
  cases: readonly string[];
  metrics: SchemeMetric[];
  scheme: SchemeSpec;
  imputed: readonly number[];
  uncertainty: RankUncertainty;
  significance: Record<string, PairSignificance[]>;
  perMetric: Record<string, { means: number[]; ranks: number[] }>;
  schemes: SchemeRanking[];
  /** kendall[i][j]: τ-b between schemes[i] and schemes[j] (null when undefined, e.g. all tied). */
  kendall: Array<Array<number | null>>;
  spread: Record<string, number[][]>;
  difficulty: Record<string, Array<{ case: string; median: number; min: number; max: number }>>;
}

export interface PhaseAnalysisOptions {
  readonly samples?: number;
  readonly seed?: number;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The schemes compared side by side: the phase's own first, then each kind over the same metrics and weights. */
export function comparedSchemes(scheme: SchemeSpec): Array<{ id: string; label: string; spec: SchemeSpec }> {
  const metrics = scheme.metrics;
  const all: Array<{ id: string; label: string; spec: SchemeSpec }> = [
    { id: 'phase', label: "Phase's scheme", spec: scheme },
    { id: 'aggregate-mean', label: 'Aggregate (mean) then rank', spec: { kind: 'aggregate-then-rank', aggregate: 'mean', metrics } },
    { id: 'aggregate-median', label: 'Aggregate (median) then rank', spec: { kind: 'aggregate-then-rank', aggregate: 'median', metrics } },
    { id: 'rank-then-aggregate', label: 'Rank then aggregate', spec: { kind: 'rank-then-aggregate', metrics } },
    { id: 'test-then-rank', label: 'Test then rank', spec: { kind: 'test-then-rank', metrics } },
    { id: 'weighted', label: 'Weighted score', spec: { kind: 'weighted', aggregate: 'mean', metrics } },
  ];
  return all;
}

export function phaseAnalysis(table: MetricTable, scheme: SchemeSpec, options: PhaseAnalysisOptions = {}): PhaseAnalysis {
  const metrics = [...scheme.metrics];
  const filled = imputeWorst(table, metrics);
  const n = table.cases.length;
  const everyCase = allCases(n);
  const m = table.entries.length;

  const significance: PhaseAnalysis['significance'] = {};
  const perMetric: PhaseAnalysis['perMetric'] = {};
  const spread: PhaseAnalysis['spread'] = {};
  const difficulty: PhaseAnalysis['difficulty'] = {};
  const pairwise: Record<string, Float64Array> = {};
  for (const metric of metrics) {
    const rows = filled.metrics[metric.name];
    const matrix = (pairwise[metric.name] = pairwiseBetterP(rows, metric.direction));
    const tests: Array<{ a: number; b: number; p: number }> = [];
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) if (a !== b) tests.push({ a, b, p: matrix[a * m + b] });
    }
    const holm = holmAdjust(tests.map((t) => t.p));
    significance[metric.name] = tests.map((t, i) => ({
      winner: table.entries[t.a],
      loser: table.entries[t.b],
      p: finiteOrNull(t.p),
      pHolm: finiteOrNull(holm[i]),
      significant: !Number.isNaN(holm[i]) && holm[i] <= SIGNIFICANCE_LEVEL,
    }));
    const single = prepareScheme({ kind: 'aggregate-then-rank', aggregate: 'mean', metrics: [metric] }, filled)(everyCase);
    perMetric[metric.name] = { means: single.metricScores[metric.name], ranks: single.ranks };
    spread[metric.name] = rows.map((row) => Array.from(row));
    difficulty[metric.name] = table.cases.map((name, c) => {
      const column = Float64Array.from(rows, (row) => row[c]);
      return { case: name, median: median(column), min: Math.min(...column), max: Math.max(...column) };
    });
  }

  const schemes = comparedSchemes(scheme).map(({ id, label, spec }) => {
    const result = prepareScheme(spec, filled, { fullPairwise: pairwise })(everyCase);
    return { id, label, spec, scores: result.scores, ranks: result.ranks };
  });
  const kendall = schemes.map((x) => schemes.map((y) => finiteOrNull(kendallTauB(x.ranks, y.ranks))));
  const uncertainty = rankUncertainty(scheme, table, options);
  return { entries: table.entries, cases: table.cases, metrics, scheme, imputed: filled.imputed, uncertainty, significance, perMetric, schemes, kendall, spread, difficulty };
}
