/**
 * The paired one-sided Wilcoxon signed-rank test that x is greater than y, as R's
 * `wilcox.test(x, y, paired = TRUE, exact = FALSE, alternative = "greater")` computes it (correct = TRUE):
 * differences d = x − y in double arithmetic, zeros dropped; V = sum of the average ranks of |d| where d > 0;
 * z = (V − n(n+1)/4 − 0.5) / σ with σ² = n(n+1)(2n+1)/24 − Σ(t³ − t)/48 over tie groups t; p = P(Z > z).
 * All differences zero (n = 0), or σ = 0: p is NaN, as R's. Pure; x and y have the same length (paired cases).
 */
import { normalUpperTail } from './normal-tail.ts';

export interface SignedRankResult {
  /** V, the sum of positive ranks. */
  readonly statistic: number;
  /** Non-zero differences. */
  readonly n: number;
  readonly z: number;
  readonly p: number;
}

/**
 * V, n and σ of the pair (differences x − y, zeros dropped, average ranks of |d|, tie-corrected σ). The positive
 * and the negative differences are sorted apart (native typed-array sorts) and merged by |d|; every rank is a
 * multiple of ½ and every sum stays below 2^53, so V is exactly what ranking |d| in index order gives.
 */
function signedRank(x: ArrayLike<number>, y: ArrayLike<number>): { statistic: number; n: number; sigma: number } {
  if (x.length !== y.length) throw new Error(`paired samples differ in length: ${x.length} and ${y.length}`);
  const positive = new Float64Array(x.length);
  const negative = new Float64Array(x.length);
  let np = 0;
  let nn = 0;
  for (let i = 0; i < x.length; i++) {
    const diff = x[i] - y[i];
    if (diff > 0) positive[np++] = diff;
    else if (diff < 0) negative[nn++] = -diff;
  }
  const pos = positive.subarray(0, np).sort();
  const neg = negative.subarray(0, nn).sort();
  const n = np + nn;
  let statistic = 0;
  let tieTerm = 0;
  let i = 0;
  let j = 0;
  let rank = 0; // ranks used so far
  while (i < np || j < nn) {
    const value = j >= nn || (i < np && pos[i] <= neg[j]) ? pos[i] : neg[j];
    let inPos = 0;
    let inNeg = 0;
    while (i < np && pos[i] === value) {
      i++;
      inPos++;
    }
    while (j < nn && neg[j] === value) {
      j++;
      inNeg++;
    }
    const t = inPos + inNeg;
    statistic += ((2 * rank + t + 1) / 2) * inPos;
    tieTerm += t * t * t - t;
    rank += t;
  }
  return { statistic, n, sigma: signedRankSigma(n, tieTerm) };
}

/** σ of V under the null with n non-zero differences and tie term Σ(t³ − t) over the tie groups of |d|. */
export function signedRankSigma(n: number, tieTerm: number): number {
  return Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
}

function upperZ(statistic: number, n: number, sigma: number): number {
  return (statistic - (n * (n + 1)) / 4 - 0.5) / sigma;
}

function upperP(statistic: number, n: number, sigma: number): { z: number; p: number } {
  const z = upperZ(statistic, n, sigma);
  return { z, p: n === 0 || sigma === 0 ? Number.NaN : normalUpperTail(z) };
}

/**
 * P(Z > z) of V with n non-zero differences and σ, as wilcoxonSignedRankGreater gives it (the same arithmetic, so
 * the same bits): for callers that compute V, n and σ their own way (resampled-signed-rank.ts).
 */
export function signedRankUpperP(statistic: number, n: number, sigma: number): number {
  return n === 0 || sigma === 0 ? Number.NaN : normalUpperTail(upperZ(statistic, n, sigma));
}

export function wilcoxonSignedRankGreater(x: ArrayLike<number>, y: ArrayLike<number>): SignedRankResult {
  const { statistic, n, sigma } = signedRank(x, y);
  return { statistic, n, ...upperP(statistic, n, sigma) };
}

/**
 * Both one-sided p-values of one pair from one ranking of |x − y|: "x greater" and "y greater". The reverse
 * test's differences are the exact negations, so its V is n(n+1)/2 − V (the ranks, halves at worst, sum to
 * n(n+1)/2 exactly) with the same n and σ: both p-values equal two calls of wilcoxonSignedRankGreater, at half
 * the cost.
 */
export function wilcoxonSignedRankBothWays(x: ArrayLike<number>, y: ArrayLike<number>): { greater: number; less: number } {
  const { statistic, n, sigma } = signedRank(x, y);
  return { greater: upperP(statistic, n, sigma).p, less: upperP((n * (n + 1)) / 2 - statistic, n, sigma).p };
}
