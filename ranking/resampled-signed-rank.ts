/**
 * Every pair's paired Wilcoxon signed-rank test on a bootstrap sample of cases, without building the sample: a
 * sample is a multiset of case indices, given here by each case's multiplicity (counts[c]: how often case c was
 * drawn). Per unordered pair a < b (pair index in row order: (0,1), (0,2), …, (0,m−1), (1,2), …) the differences
 * d = x_a − x_b are taken once in double arithmetic, the zero (and NaN) ones dropped, and the other cases sorted by
 * |d| ascending and cut into tie groups of exactly equal |d|. On a sample, a group drawn t times in all, t⁺ of
 * them with d > 0, gives every copy the average rank r + (t + 1)/2 (r: copies in the lower groups), as R's
 * rank(ties.method = "average") does: V = Σ t⁺ (2r + t + 1)/2, n = Σ t, tie term Σ (t³ − t). These are the sums
 * wilcoxon.ts's signedRank makes on the gathered sample (a group not drawn adds 0); all are integers or halves,
 * exact in doubles while n(n + 1) and n³ stay below 2^53 (n < 208,000 drawn cases), so in whatever order they are
 * added V, n, σ and the p-values equal those of wilcoxonSignedRankBothWays bit for bit (test/ranking checks it on
 * random tables). O(cases) per pair and sample (O(1) for a pair whose differences are distinct and one-sided), no
 * allocation per sample. Memory: 4 bytes per pair and case (50 entries × 150 cases: 0.7 MB per metric). Pure.
 */
import type { Direction } from './metric-table.ts';
import { signedRankSigma, signedRankUpperP } from './wilcoxon.ts';

export interface PairDifferences {
  readonly entries: number;
  readonly cases: number;
  /** Pair k's cases are code[start[k]] … code[start[k + 1] − 1]; start has one slot per pair and one more. */
  readonly start: Int32Array;
  /** Per non-zero difference, in ascending |d|: case · 4 + (d > 0 ? 1 : 0) + (last of its tie group ? 2 : 0). */
  readonly code: Int32Array;
  /** tieTerms[t] = t³ − t (in doubles, as wilcoxon.ts computes it) for t = 0 … cases. */
  readonly tieTerms: Float64Array;
  /**
   * Non-zero for a pair whose cases all differ, each by its own |d| (no zero difference, no tie): on any sample its
   * tie groups are the drawn cases themselves, so its n and tie term are the sample's, the same for every such
   * pair. 1: signs mixed; 2: every d > 0, so V is the sum of all ranks, n(n + 1)/2, on any sample; 3: every d < 0,
   * V = 0.
   */
  readonly distinct: Uint8Array;
}

const POSITIVE = 1;
const GROUP_END = 2;
const MIXED = 1;
const ALL_POSITIVE = 2;
const ALL_NEGATIVE = 3;

/** Each pair's non-zero differences sorted by |d|, with their signs and tie groups; rows[e][c] = entry e on case c. */
export function pairDifferences(rows: readonly Float64Array[]): PairDifferences {
  const m = rows.length;
  const n = rows[0]?.length ?? 0;
  if (n >= 2 ** 29) throw new Error(`too many cases for a pair code: ${n}`);
  for (const row of rows) if (row.length !== n) throw new Error(`paired samples differ in length: ${n} and ${row.length}`);
  const pairs = (m * (m - 1)) / 2;
  const start = new Int32Array(pairs + 1);
  const distinct = new Uint8Array(pairs);
  const code = new Int32Array(pairs * n);
  const diff = new Float64Array(n);
  const abs = new Float64Array(n);
  const order = new Int32Array(n);
  const byAbs = (i: number, j: number) => (abs[i] < abs[j] ? -1 : abs[i] > abs[j] ? 1 : i - j);
  let at = 0;
  let pair = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      start[pair] = at;
      const x = rows[a];
      const y = rows[b];
      let k = 0;
      for (let c = 0; c < n; c++) {
        const d = x[c] - y[c];
        if (d > 0 || d < 0) {
          diff[c] = d;
          abs[c] = Math.abs(d);
          order[k++] = c;
        }
      }
      const sorted = order.subarray(0, k).sort(byAbs);
      let groups = 0;
      let positive = 0;
      for (let i = 0; i < k; i++) {
        const c = sorted[i];
        const last = i === k - 1 || abs[sorted[i + 1]] !== abs[c];
        if (last) groups++;
        if (diff[c] > 0) positive++;
        code[at++] = c * 4 + (diff[c] > 0 ? POSITIVE : 0) + (last ? GROUP_END : 0);
      }
      distinct[pair++] = k < n || groups < n ? 0 : positive === n ? ALL_POSITIVE : positive === 0 ? ALL_NEGATIVE : MIXED;
    }
  }
  start[pairs] = at;
  const tieTerms = Float64Array.from({ length: n + 1 }, (_, t) => t * t * t - t);
  return { entries: m, cases: n, start, code: code.slice(0, at), tieTerms, distinct };
}

/** counts[c] = how often case c occurs in picks (counts has one slot per case). */
export function caseCounts(picks: ArrayLike<number>, counts: Int32Array): Int32Array {
  counts.fill(0);
  for (let i = 0; i < picks.length; i++) counts[picks[i]]++;
  return counts;
}

/** counts' total must not exceed the number of cases (a bootstrap sample draws n of the n cases): tieTerms' size. */
function checkCounts(differences: PairDifferences, counts: Int32Array): void {
  let total = 0;
  for (let c = 0; c < counts.length; c++) total += counts[c];
  if (counts.length !== differences.cases || total > differences.cases) {
    throw new Error(`case counts of ${counts.length} cases drawing ${total} do not fit a table of ${differences.cases} cases`);
  }
}

/**
 * V, n and σ of pair `pair` on the sample `counts`, written to out[0], out[1], out[2]. V is summed doubled, as
 * integers (2V = Σ t⁺ (2r + t + 1)), and halved once: every partial sum is exact below 2^53, so V has the bits of
 * wilcoxon.ts's sum of half-integers. A group's t³ − t comes from a table (V8's integer multiply checks made it
 * the loop's main cost).
 */
export function signedRankOnCounts(differences: PairDifferences, pair: number, counts: Int32Array, out: Float64Array): void {
  const { start, code, tieTerms } = differences;
  let doubled = 0;
  let tieTerm = 0;
  let rank = 0; // copies ranked so far
  let t = 0;
  let inPos = 0;
  for (let k = start[pair], end = start[pair + 1]; k < end; k++) {
    const word = code[k];
    const copies = counts[word >> 2];
    t += copies;
    inPos += copies & -(word & POSITIVE); // no branch: the sign is as likely one way as the other
    if (word & GROUP_END) {
      // a group not drawn (t = 0) adds exactly 0 to each sum: no branch on it either
      doubled += inPos * (rank + rank + t + 1);
      tieTerm += tieTerms[t];
      rank += t;
      t = 0;
      inPos = 0;
    }
  }
  out[0] = doubled / 2;
  out[1] = rank;
  out[2] = signedRankSigma(rank, tieTerm);
}

/** 2V of a pair of distinct differences: every drawn case is its own tie group, so no group bookkeeping. */
function doubledPositiveRanks(differences: PairDifferences, pair: number, counts: Int32Array): number {
  const { start, code } = differences;
  let doubled = 0;
  let rank = 0;
  for (let k = start[pair], end = start[pair + 1]; k < end; k++) {
    const word = code[k];
    const copies = counts[word >> 2];
    doubled += (copies & -(word & POSITIVE)) * (rank + rank + copies + 1);
    rank += copies;
  }
  return doubled;
}

/**
 * p[a·m + b]: the one-sided paired Wilcoxon p-value that entry a is better than entry b (in `direction`) on the
 * sample `counts`, NaN on the diagonal and where every drawn difference is zero: schemes.ts's pairwiseBetterP on
 * the gathered sample, bit for bit. `p` has m² slots and is returned.
 */
export function pairwiseBetterPOnCounts(differences: PairDifferences, counts: Int32Array, direction: Direction, p: Float64Array): Float64Array {
  checkCounts(differences, counts);
  const m = differences.entries;
  const out = new Float64Array(3);
  let pair = 0;
  for (let a = 0; a < m; a++) {
    p[a * m + a] = Number.NaN;
    for (let b = a + 1; b < m; b++) {
      signedRankOnCounts(differences, pair++, counts, out);
      const statistic = out[0];
      const n = out[1];
      const sigma = out[2];
      const greater = signedRankUpperP(statistic, n, sigma);
      const less = signedRankUpperP((n * (n + 1)) / 2 - statistic, n, sigma);
      p[a * m + b] = direction === 'higher' ? greater : less;
      p[b * m + a] = direction === 'higher' ? less : greater;
    }
  }
  return p;
}

/**
 * wins[a]: how many entries a beats at one-sided p ≤ level on the sample `counts`, that is, the count behind
 * schemes.ts's shareBeatenFrom(pairwiseBetterP(gathered sample)), without most of the normal tails: of a pair's two
 * z-values (z⁺ + z⁻ = −1/σ) at most one is positive, and P(Z > z) ≥ ½ for z ≤ 0 (the tail's own code returns at
 * least ½ there), never significant; a z ≥ 2 (P(Z > 2) = 0.02275) is significant at any level ≥ 0.025 (the tail is
 * accurate to ~1e-14 relative). Only 0 < z < 2 computes the tail, exactly as signedRankUpperP does.
 */
export function winsOnCounts(differences: PairDifferences, counts: Int32Array, direction: Direction, level: number, wins: Float64Array): Float64Array {
  // the z ≤ 0 shortcut holds for levels below ½ only (a one-sided test at ½ or more is not a test)
  if (!(level > 0 && level < 0.5)) throw new RangeError(`a significance level in (0, 0.5) is needed, not ${level}`);
  checkCounts(differences, counts);
  const m = differences.entries;
  const sure = level >= 0.025 ? 2 : Infinity;
  const out = new Float64Array(3);
  // a pair of distinct differences has every drawn case as a tie group of its own: n and σ are the sample's
  let drawn = 0;
  let sampleTieTerm = 0;
  for (let c = 0; c < counts.length; c++) {
    drawn += counts[c];
    sampleTieTerm += differences.tieTerms[counts[c]];
  }
  const distinctSigma = signedRankSigma(drawn, sampleTieTerm);
  wins.fill(0);
  let pair = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const distinct = differences.distinct[pair];
      if (distinct) {
        const doubled = distinct === ALL_POSITIVE ? drawn * (drawn + 1) : distinct === ALL_NEGATIVE ? 0 : doubledPositiveRanks(differences, pair, counts);
        out[0] = doubled / 2;
        out[1] = drawn;
        out[2] = distinctSigma;
      } else signedRankOnCounts(differences, pair, counts, out);
      pair++;
      const n = out[1];
      const sigma = out[2];
      if (n === 0 || sigma === 0) continue; // every drawn difference zero: p is NaN both ways
      const statistic = out[0];
      // "x_a greater" from V, "x_b greater" from n(n+1)/2 − V: signedRankUpperP's z, operation for operation
      const reverse = (n * (n + 1)) / 2 - statistic;
      const zGreater = (statistic - (n * (n + 1)) / 4 - 0.5) / sigma;
      const zLess = (reverse - (n * (n + 1)) / 4 - 0.5) / sigma;
      const greater = zGreater > 0;
      const z = greater ? zGreater : zLess;
      if (!(z > 0)) continue;
      if (z >= sure || signedRankUpperP(greater ? statistic : reverse, n, sigma) <= level) wins[greater === (direction === 'higher') ? a : b]++;
    }
  }
  return wins;
}
