/**
 * Ranks with ties, as R's `rank()` gives them. Pure; input order is kept, NaN is not expected.
 * - `ranksMin`: ties.method = "min", larger is better when `larger` (rank 1 = best), else smaller is better:
 *   each value's rank is 1 + the number of values strictly better than it.
 * - `ranksAverage`: ties.method = "average", ascending (the Wilcoxon test ranks |differences| this way).
 */
export function ranksMin(values: ArrayLike<number>, larger: boolean): number[] {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (larger ? values[b] - values[a] : values[a] - values[b]));
  const ranks = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    ranks[i] = k > 0 && values[order[k - 1]] === values[i] ? ranks[order[k - 1]] : k + 1;
  }
  return ranks;
}

export function ranksAverage(values: ArrayLike<number>): { ranks: number[]; tieSizes: number[] } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(n);
  const tieSizes: number[] = [];
  for (let k = 0; k < n; ) {
    let end = k + 1;
    while (end < n && values[order[end]] === values[order[k]]) end++;
    const average = (k + 1 + end) / 2;
    for (let j = k; j < end; j++) ranks[order[j]] = average;
    tieSizes.push(end - k);
    k = end;
  }
  return { ranks, tieSizes };
}
