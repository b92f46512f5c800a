/**
 * Kendall's τ-b between two paired lists, as R's `cor(x, y, method = "kendall")`: over every pair i < j,
 * concordant minus discordant pairs divided by √((n0 − tx)(n0 − ty)), where n0 = n(n−1)/2 and tx, ty count the
 * pairs tied in x, in y. NaN when either list is constant (R returns NA). O(n²): rankings have few entries. Pure.
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new Error(`lists differ in length: ${n} and ${y.length}`);
  let score = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0) tiedX++;
      if (dy === 0) tiedY++;
      score += dx * dy;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((n0 - tiedX) * (n0 - tiedY));
  return denominator === 0 ? Number.NaN : score / denominator;
}
