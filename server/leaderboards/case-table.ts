/**
 * The per-case score table of leaderboard entries (ranking/metric-table.ts): one row per submission (named by its
 * id), one column per case any of them has (sorted by name), one matrix per metric. A case a submission lacks, a
 * failed case (null metrics) or a value that is not a finite number is NaN: the ranking fills it with the worst
 * value of its metric and counts it. Pure.
 */
import type { MetricTable } from '../../ranking/metric-table.ts';

interface WithCases {
  submissionId: number;
  caseMetrics?: Record<string, Record<string, unknown> | null>;
}

export function metricTableOf(entries: readonly WithCases[], metricNames: readonly string[], caseNames?: readonly string[]): MetricTable {
  const cases = caseNames ? [...caseNames] : [...new Set(entries.flatMap((e) => Object.keys(e.caseMetrics ?? {})))].sort();
  const metrics: Record<string, Float64Array[]> = {};
  for (const name of metricNames) {
    metrics[name] = entries.map((e) =>
      Float64Array.from(cases, (c) => {
        const value = e.caseMetrics?.[c]?.[name];
        return typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
      }),
    );
  }
  return { entries: entries.map((e) => String(e.submissionId)), cases, metrics };
}
