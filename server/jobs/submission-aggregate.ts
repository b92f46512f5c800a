/**
 * Per-submission aggregates over its cases: mean and (population) standard deviation of each metric of the
 * suites the cases were scored with, and the mean of the unrounded values (ranking ties are broken with them).
 * Pure. The suites are the ones the cases record (`suites`, written by the worker: server/worker/stored-metrics.ts);
 * cases scored before suites existed are ATM'22's.
 */
import { metricsOfSuites, SUITE_IDS, type SuiteId } from '../../contract/metric-suites.ts';

/** The ATM'22 metrics, the default suite's (kept for callers that list the official ones). */
export const AGGREGATED_METRICS = ['TD', 'BD', 'DSC', 'Precision', 'Sensitivity', 'Specificity'] as const;
export type AggregatedMetric = (typeof AGGREGATED_METRICS)[number];

/** What an evaluation row keeps in `metrics`: each suite's metrics under their stored names, and the extras. */
export interface StoredCaseMetrics extends Partial<Record<string, unknown>> {
  unrounded: Record<string, number>;
  suites?: string[];
}

export interface SubmissionAggregate {
  cases: number;
  mean: Record<string, number>;
  std: Record<string, number>;
  unroundedMean: Record<string, number>;
}

/** The stored metric names a set of cases carries, in suite order (ATM'22's when the cases name no suite). */
export function aggregatedMetricsOf(cases: readonly StoredCaseMetrics[]): string[] {
  const named = (cases[0]?.suites ?? ['atm22']).filter((s): s is SuiteId => (SUITE_IDS as readonly string[]).includes(s));
  return metricsOfSuites(named.length ? named : ['atm22']).map((m) => m.name);
}

export function aggregateCases(cases: StoredCaseMetrics[]): SubmissionAggregate {
  const n = cases.length;
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  const unroundedMean: Record<string, number> = {};
  for (const metric of aggregatedMetricsOf(cases)) {
    const values = cases.map((c) => c[metric] as number);
    const m = n ? values.reduce((a, b) => a + b, 0) / n : 0;
    mean[metric] = m;
    std[metric] = n ? Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / n) : 0;
    unroundedMean[metric] = n ? cases.reduce((a, c) => a + (c.unrounded[metric] ?? (c[metric] as number)), 0) / n : 0;
  }
  return { cases: n, mean, std, unroundedMean };
}
