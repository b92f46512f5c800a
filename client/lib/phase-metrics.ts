/**
 * The metrics a phase shows, from its suites (contract/metric-suites.ts): stored names for reading values,
 * column headings that say which suite a shared name belongs to (AIIB23's precision is "Precision (AIIB23)").
 */
import { metricsOfSuites, type MetricInfo, type SuiteId } from '../../contract/metric-suites.ts';

export type { MetricInfo };

export function phaseMetrics(phase: { readonly metricSuites?: readonly SuiteId[] }): MetricInfo[] {
  return metricsOfSuites(phase.metricSuites?.length ? phase.metricSuites : ['atm22']);
}

export function metricHeader(m: MetricInfo): string {
  return m.name === m.reportedAs ? m.name : m.label;
}

/** AIIB23's figures are ratios in [0, 1]: plotted as percentages next to ATM'22's. */
export function asPercent(m: MetricInfo, value: number | null): number | null {
  if (value === null) return null;
  return ['TD', 'BD', 'DSC', 'Precision', 'Sensitivity', 'Specificity'].includes(m.name) ? value : value * 100;
}
