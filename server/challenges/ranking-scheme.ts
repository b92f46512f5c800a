/**
 * How a phase ranks its teams (stored as JSON in phases.ranking):
 * - historical, over the submissions' aggregates (server/leaderboards/rank.ts, unchanged): a weighted sum of
 *   metric means ('weighted', ATM'22), or the mean of the ranks per metric ('mean-rank');
 * - case-based, over the per-case scores of any metric of the catalogue (ranking/schemes.ts):
 *   'aggregate-then-rank' (mean or median), 'rank-then-aggregate' (BraTS), 'test-then-rank'.
 * `schemeSpecOf` turns any stored scheme into the pure engine's spec (each metric's direction from the catalogue
 * unless given, weight 1 unless given): the bootstrap and the analysis use it for every phase, old or new.
 */
import { directionOf } from '../../contract/metric-suites.ts';
import type { SchemeKind, SchemeSpec } from '../../ranking/schemes.ts';

export type RankedMetric = 'TD' | 'BD' | 'DSC' | 'Precision' | 'Sensitivity' | 'Specificity';
export interface StoredSchemeMetric {
  name: string;
  direction?: 'higher' | 'lower';
  weight?: number;
}
export type CaseBasedScheme =
  | { scheme: 'aggregate-then-rank'; aggregate: 'mean' | 'median'; metrics: StoredSchemeMetric[] }
  | { scheme: 'rank-then-aggregate'; metrics: StoredSchemeMetric[] }
  | { scheme: 'test-then-rank'; metrics: StoredSchemeMetric[] };
export type RankingScheme =
  | { scheme: 'weighted'; weights: Partial<Record<RankedMetric, number>> }
  | { scheme: 'mean-rank'; metrics: RankedMetric[] }
  | CaseBasedScheme;

export function isCaseBased(scheme: RankingScheme): scheme is CaseBasedScheme {
  return scheme.scheme !== 'weighted' && scheme.scheme !== 'mean-rank';
}

function metricOf(name: string, direction?: 'higher' | 'lower', weight?: number) {
  return { name, direction: direction ?? directionOf(name) ?? 'higher', weight: weight ?? 1 };
}

/** The pure engine's spec of a stored scheme (old or new). */
export function schemeSpecOf(scheme: RankingScheme): SchemeSpec {
  if (scheme.scheme === 'weighted') {
    const metrics = Object.entries(scheme.weights)
      .filter(([, w]) => typeof w === 'number' && w !== 0)
      .map(([name, w]) => metricOf(name, undefined, w));
    return { kind: 'weighted', aggregate: 'mean', metrics };
  }
  if (scheme.scheme === 'mean-rank') return { kind: 'mean-rank', aggregate: 'mean', metrics: scheme.metrics.map((name) => metricOf(name)) };
  const kind: SchemeKind = scheme.scheme;
  return {
    kind,
    ...(scheme.scheme === 'aggregate-then-rank' ? { aggregate: scheme.aggregate } : {}),
    metrics: scheme.metrics.map((m) => metricOf(m.name, m.direction, m.weight)),
  };
}

/** The metric names a scheme reads. */
export function schemeMetricNames(scheme: RankingScheme): string[] {
  return schemeSpecOf(scheme).metrics.map((m) => m.name);
}
