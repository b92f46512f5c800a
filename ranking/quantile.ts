/**
 * Sample quantiles of R's type 7 (its default): with the values sorted ascending and h = (n − 1)·p, the
 * quantile is x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]) (0-based). Also the median (type 7 at 0.5 is the usual
 * median). Pure; the input is not modified.
 */
export function quantileType7(values: ArrayLike<number>, probabilities: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return probabilities.map(() => Number.NaN);
  return probabilities.map((p) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, n - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  });
}

export function median(values: ArrayLike<number>): number {
  return quantileType7(values, [0.5])[0];
}
