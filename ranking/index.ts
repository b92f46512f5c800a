/** The ranking analysis: pure statistics over per-case score tables (see analysis.ts). */
export { rankingAnalysis, SIGNIFICANCE_LEVEL, type AnalysisOptions, type RankingAnalysis } from './analysis.ts';
export { holmAdjust } from './holm.ts';
export { kendallTauB } from './kendall.ts';
export { normalUpperTail } from './normal-tail.ts';
export { median, quantileType7 } from './quantile.ts';
export { scoreTable, type ScoreRow, type ScoreTable } from './score-table.ts';
export { ranksAverage, ranksMin } from './ties.ts';
export { wilcoxonSignedRankGreater } from './wilcoxon.ts';
