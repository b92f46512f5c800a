/**
 * The metric suites a phase can score with, and each metric's direction. One catalogue for the evaluator's
 * output names, the phases' ranking formulas, the leaderboard's columns and the viewer's labels.
 *
 * atm22  — the official ATM'22 evaluation (TD, BD, DSC, Precision, Sensitivity, Specificity), the default.
 * aiib23 — the official AIIB23 evaluation (IoU, detected length ratio, detected branch ratio, precision, leakage).
 *
 * No zod here, so the browser bundle can take the list alone.
 */
export type SuiteId = 'atm22' | 'aiib23';
export type MetricDirection = 'higher' | 'lower';

export interface MetricInfo {
  /** The key under which the platform stores the value: unique over every suite. */
  name: string;
  /** The key under which the suite's own code (and `carina evaluate --suite`) reports it. */
  reportedAs: string;
  /** A human label for tables and plots. */
  label: string;
  /** Which way is better: leakage is lower-is-better, every ratio here higher-is-better. */
  direction: MetricDirection;
}

export interface SuiteInfo {
  id: SuiteId;
  label: string;
  metrics: readonly MetricInfo[];
}

export const METRIC_SUITES: Readonly<Record<SuiteId, SuiteInfo>> = {
  atm22: {
    id: 'atm22',
    label: "ATM'22",
    metrics: [
      { name: 'TD', reportedAs: 'TD', label: 'Tree length detected', direction: 'higher' },
      { name: 'BD', reportedAs: 'BD', label: 'Branches detected', direction: 'higher' },
      { name: 'DSC', reportedAs: 'DSC', label: 'Dice similarity coefficient', direction: 'higher' },
      { name: 'Precision', reportedAs: 'Precision', label: 'Precision', direction: 'higher' },
      { name: 'Sensitivity', reportedAs: 'Sensitivity', label: 'Sensitivity', direction: 'higher' },
      { name: 'Specificity', reportedAs: 'Specificity', label: 'Specificity', direction: 'higher' },
    ],
  },
  aiib23: {
    id: 'aiib23',
    label: 'AIIB23',
    metrics: [
      { name: 'IoU', reportedAs: 'IoU', label: 'Intersection over union', direction: 'higher' },
      { name: 'DLR', reportedAs: 'DLR', label: 'Detected length ratio', direction: 'higher' },
      { name: 'DBR', reportedAs: 'DBR', label: 'Detected branch ratio', direction: 'higher' },
      { name: 'AIIB_Precision', reportedAs: 'Precision', label: 'Precision (AIIB23)', direction: 'higher' },
      { name: 'Leakage', reportedAs: 'Leakage', label: 'Leakage (normalised by gold volume)', direction: 'lower' },
    ],
  },
};

export const SUITE_IDS = Object.keys(METRIC_SUITES) as SuiteId[];
export const DEFAULT_SUITES: readonly SuiteId[] = ['atm22'];

/**
 * The metrics a phase reports, in suite order. Stored names are unique over suites (AIIB23's precision, computed
 * on its own component choice, is stored as `AIIB_Precision`), so two suites never overwrite each other.
 */
export function metricsOfSuites(suites: readonly SuiteId[]): MetricInfo[] {
  const seen = new Set<string>();
  const out: MetricInfo[] = [];
  for (const id of suites) {
    for (const m of METRIC_SUITES[id].metrics) {
      if (!seen.has(m.name)) {
        seen.add(m.name);
        out.push(m);
      }
    }
  }
  return out;
}

/** The direction of a metric by name, over every suite (undefined for a name no suite reports). */
export function directionOf(name: string): MetricDirection | undefined {
  for (const id of SUITE_IDS) {
    const m = METRIC_SUITES[id].metrics.find((x) => x.name === name);
    if (m) return m.direction;
  }
  return undefined;
}
