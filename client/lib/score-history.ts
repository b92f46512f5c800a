/**
 * A team's score across its finished submissions, oldest first. Under the weighted scheme the score is the
 * leaderboard's (Σ weight × mean metric); a mean-rank score depends on the other teams, so the history shows the
 * average of the ranked metrics' means instead (and says so). Pure.
 */
import { METRICS, type MetricName, type RankingScheme, type SubmissionSummary } from '../api/types.ts';

/** "0.25 × TD + 0.25 × BD + …" in the official metric order, whatever order the weights were stored in. */
export function weightedTerms(weights: Partial<Record<MetricName, number>>): string {
  return METRICS.filter((m) => weights[m] !== undefined)
    .map((m) => `${weights[m]} × ${m}`)
    .join(' + ');
}

export interface HistoryPoint {
  submissionId: number;
  createdAt: string;
  value: number;
}

/** The metric names a scheme ranks on (case-based schemes list objects). */
function schemeMetricNames(scheme: Exclude<RankingScheme, { scheme: 'weighted' }>): string[] {
  return scheme.metrics.map((m) => (typeof m === 'string' ? m : m.name));
}

export function historyMeasure(scheme: RankingScheme): string {
  return scheme.scheme === 'weighted'
    ? `score = ${weightedTerms(scheme.weights)}`
    : `average of the mean ${schemeMetricNames(scheme).join(', ')} (the rank itself depends on the other teams)`;
}

export function submissionValue(scheme: RankingScheme, mean: Record<string, number>): number | null {
  if (scheme.scheme === 'weighted') {
    let sum = 0;
    for (const [metric, weight] of Object.entries(scheme.weights)) {
      if (typeof mean[metric] !== 'number') return null;
      sum += (weight ?? 0) * mean[metric];
    }
    return sum;
  }
  const values = schemeMetricNames(scheme).map((m) => mean[m]);
  return values.every((v) => typeof v === 'number') && values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

export function scoreHistory(scheme: RankingScheme, submissions: readonly SubmissionSummary[]): HistoryPoint[] {
  return submissions
    .filter((s) => s.status === 'done' && s.aggregate)
    .map((s) => ({ submissionId: s.id, createdAt: s.createdAt, value: submissionValue(scheme, s.aggregate!.mean as Record<string, number>) }))
    .filter((p): p is HistoryPoint => p.value !== null)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.submissionId - b.submissionId);
}
