/**
 * Per-submission aggregates over its cases: mean and (population) standard deviation of each official metric,
 * and the mean of the unrounded values (ranking ties are broken with them). Pure.
 */
export const AGGREGATED_METRICS = ['TD', 'BD', 'DSC', 'Precision', 'Sensitivity', 'Specificity'] as const;
export type AggregatedMetric = (typeof AGGREGATED_METRICS)[number];

/** What an evaluation row keeps in `metrics` (the evaluator's CaseScore without timings). */
export interface StoredCaseMetrics extends Record<AggregatedMetric, number> {
  unrounded: Record<AggregatedMetric, number>;
  [key: string]: unknown;
}

export interface SubmissionAggregate {
  cases: number;
  mean: Record<AggregatedMetric, number>;
  std: Record<AggregatedMetric, number>;
  unroundedMean: Record<AggregatedMetric, number>;
}

export function aggregateCases(cases: StoredCaseMetrics[]): SubmissionAggregate {
  const n = cases.length;
  const mean = {} as Record<AggregatedMetric, number>;
  const std = {} as Record<AggregatedMetric, number>;
  const unroundedMean = {} as Record<AggregatedMetric, number>;
  for (const metric of AGGREGATED_METRICS) {
    const values = cases.map((c) => c[metric]);
    const m = n ? values.reduce((a, b) => a + b, 0) / n : 0;
    mean[metric] = m;
    std[metric] = n ? Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / n) : 0;
    unroundedMean[metric] = n ? cases.reduce((a, c) => a + c.unrounded[metric], 0) / n : 0;
  }
  return { cases: n, mean, std, unroundedMean };
}
