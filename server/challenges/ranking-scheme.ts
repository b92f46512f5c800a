/**
 * How a phase ranks its teams (stored as JSON in phases.ranking): a weighted sum of metrics, or the mean of the
 * ranks per metric. server/leaderboards/rank.ts applies it.
 */
export type RankedMetric = 'TD' | 'BD' | 'DSC' | 'Precision' | 'Sensitivity' | 'Specificity';
export type RankingScheme =
  | { scheme: 'weighted'; weights: Partial<Record<RankedMetric, number>> }
  | { scheme: 'mean-rank'; metrics: RankedMetric[] };
