/**
 * What an evaluation row keeps in `metrics` when a phase scores with one or more suites: every suite's metrics at
 * the top level under their stored names (contract/metric-suites.ts: unique over suites, so AIIB23's precision is
 * `AIIB_Precision`), their unrounded values under `unrounded` (AIIB23's are never rounded: the same values), the
 * list of suites under `suites`, the ATM'22 extras at the top level as before (counts, per-branch flags,
 * per-generation, physical measures) and the AIIB23 extras under `aiib23` (its counts, `aiib_fallback`, its
 * per-segment flags, physical measures).
 */
import type { SuiteScores } from '../../evaluator/index.ts';
import { METRIC_SUITES, type SuiteId } from '../../contract/metric-suites.ts';

export function storedCaseMetrics(suites: readonly SuiteId[], scores: SuiteScores): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  const unrounded: Record<string, number> = {};
  if (scores.atm22) {
    const { timings: _timings, ...atm } = scores.atm22;
    Object.assign(stored, atm);
    Object.assign(unrounded, atm.unrounded);
  }
  if (scores.aiib23) {
    const aiib = scores.aiib23 as unknown as Record<string, unknown>;
    for (const metric of METRIC_SUITES.aiib23.metrics) {
      stored[metric.name] = aiib[metric.reportedAs];
      unrounded[metric.name] = aiib[metric.reportedAs] as number;
    }
    stored.aiib23 = scores.aiib23;
  }
  stored.unrounded = unrounded;
  stored.suites = [...suites];
  return stored;
}
