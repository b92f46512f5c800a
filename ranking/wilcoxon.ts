/**
 * The paired one-sided Wilcoxon signed-rank test that x is greater than y, as R's
 * `wilcox.test(x, y, paired = TRUE, exact = FALSE, alternative = "greater")` computes it (correct = TRUE):
 * differences d = x − y in double arithmetic, zeros dropped; V = sum of the average ranks of |d| where d > 0;
 * z = (V − n(n+1)/4 − 0.5) / σ with σ² = n(n+1)(2n+1)/24 − Σ(t³ − t)/48 over tie groups t; p = P(Z > z).
 * All differences zero (n = 0), or σ = 0: p is NaN, as R's. Pure; x and y have the same length (paired cases).
 */
import { normalUpperTail } from './normal-tail.ts';
import { ranksAverage } from './ties.ts';

export interface SignedRankResult {
  /** V, the sum of positive ranks. */
  readonly statistic: number;
  /** Non-zero differences. */
  readonly n: number;
  readonly z: number;
  readonly p: number;
}

export function wilcoxonSignedRankGreater(x: ArrayLike<number>, y: ArrayLike<number>): SignedRankResult {
  if (x.length !== y.length) throw new Error(`paired samples differ in length: ${x.length} and ${y.length}`);
  const d: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const diff = x[i] - y[i];
    if (diff !== 0) d.push(diff);
  }
  const n = d.length;
  const { ranks, tieSizes } = ranksAverage(d.map(Math.abs));
  let statistic = 0;
  for (let i = 0; i < n; i++) if (d[i] > 0) statistic += ranks[i];
  let tieTerm = 0;
  for (const t of tieSizes) tieTerm += t * t * t - t;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const z = (statistic - (n * (n + 1)) / 4 - 0.5) / sigma;
  return { statistic, n, z, p: n === 0 || sigma === 0 ? Number.NaN : normalUpperTail(z) };
}
