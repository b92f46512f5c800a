/**
 * The ranking statistics on inputs small enough to check by hand, and against values R and SciPy give
 * (written here; nothing is called at test time).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { holmAdjust } from '../../ranking/holm.ts';
import { kendallTauB } from '../../ranking/kendall.ts';
import { normalUpperTail } from '../../ranking/normal-tail.ts';
import { median, quantileType7 } from '../../ranking/quantile.ts';
import { scoreTable } from '../../ranking/score-table.ts';
import { seededRandom } from '../../ranking/seeded-random.ts';
import { ranksAverage, ranksMin } from '../../ranking/ties.ts';
import { wilcoxonSignedRankGreater } from '../../ranking/wilcoxon.ts';

const close = (actual: number, expected: number, relative: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: ${actual} vs ${expected}`);

describe('ranking statistics', () => {
  it('normal upper tail: P(Z > z) to 12 digits, from the centre to 1e-24', () => {
    assert.equal(normalUpperTail(0), 0.5);
    // pnorm(z, lower.tail = FALSE) in R (SciPy's norm.sf agrees to 1e-14)
    for (const [z, p] of [[1.2, 0.1150696702217083], [-0.3, 0.6179114221889526], [5, 2.866515718791939e-7], [7, 1.279812543885835e-12], [10, 7.619853024160527e-24]]) {
      close(normalUpperTail(z), p, 1e-12, `z = ${z}`);
    }
    assert.ok(Number.isNaN(normalUpperTail(Number.NaN)));
  });

  it('ranks: "min" shares the better rank, "average" the mean rank, with tie group sizes', () => {
    assert.deepEqual(ranksMin([3, 5, 5, 1], true), [3, 1, 1, 4]);
    assert.deepEqual(ranksMin([3, 5, 5, 1], false), [2, 3, 3, 1]);
    assert.deepEqual(ranksAverage([2, 1, 2, 3]), { ranks: [2.5, 1, 2.5, 4], tieSizes: [1, 2, 1] });
  });

  it('Wilcoxon signed rank, by hand: zeros dropped, tie and continuity corrections', () => {
    // d = (2, −1, 3, 0, 1): zero dropped, |d| ranks 3, 1.5, 4, 1.5; V = 3 + 4 + 1.5 = 8.5, n = 4
    // σ² = 4·5·9/24 − (2³ − 2)/48 = 7.5 − 0.125; z = (8.5 − 5 − 0.5)/√7.375
    const result = wilcoxonSignedRankGreater([5, 4, 9, 2, 3], [3, 5, 6, 2, 2]);
    assert.equal(result.statistic, 8.5);
    assert.equal(result.n, 4);
    close(result.z, 3 / Math.sqrt(7.375), 1e-15, 'z');
    close(result.p, normalUpperTail(3 / Math.sqrt(7.375)), 1e-15, 'p');
    assert.ok(Number.isNaN(wilcoxonSignedRankGreater([1, 2], [1, 2]).p), 'no non-zero difference: NaN, as R');
  });

  it('Holm: step-down multipliers, running maximum, capped at 1, NaN left out of m', () => {
    // sorted 0.01, 0.02, 0.04 → ×3, ×2, ×1 = 0.03, 0.04, 0.04
    const adjusted = holmAdjust([0.04, 0.01, Number.NaN, 0.02]);
    assert.deepEqual(adjusted.map((p) => (Number.isNaN(p) ? 'NaN' : +p.toFixed(12))), [0.04, 0.03, 'NaN', 0.04]);
    assert.deepEqual(holmAdjust([0.5, 0.6]), [1, 1]);
  });

  it("Kendall's tau-b with ties, and NaN for a constant list", () => {
    assert.equal(kendallTauB([1, 2, 3], [1, 2, 3]), 1);
    assert.equal(kendallTauB([1, 2, 3], [3, 2, 1]), -1);
    // pairs: (1,2) C, (1,3) C, (2,3) tied in x → (2 − 0)/√((3 − 1)(3 − 0))
    close(kendallTauB([1, 2, 2], [1, 2, 3]), 2 / Math.sqrt(6), 1e-15, 'tau-b');
    assert.ok(Number.isNaN(kendallTauB([1, 1], [1, 2])));
  });

  it('type-7 quantiles and the median, as R', () => {
    // quantile(c(1, 2, 3, 4, 10), c(0.025, 0.5, 0.975), type = 7) = 1.1, 3, 9.4
    const q = quantileType7([10, 1, 3, 2, 4], [0.025, 0.5, 0.975]);
    close(q[0], 1.1, 1e-12, 'q0.025');
    assert.equal(q[1], 3);
    close(q[2], 9.4, 1e-12, 'q0.975');
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  it('a score table fills missing and failed cells with the worst value, and says which', () => {
    const table = scoreTable(
      [
        { algorithm: 'a', case: 'c1', value: 0.9 },
        { algorithm: 'a', case: 'c2', value: Number.NaN },
        { algorithm: 'b', case: 'c1', value: 0.4 },
      ],
      true,
    );
    assert.deepEqual(table.algorithms, ['a', 'b']);
    assert.deepEqual([...table.values[0]], [0.9, 0.4]);
    assert.deepEqual([...table.values[1]], [0.4, 0.4]);
    assert.deepEqual(table.filled, [{ algorithm: 'a', case: 'c2' }, { algorithm: 'b', case: 'c2' }]);
  });

  it('the seeded generator repeats for a seed and differs between seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const first = Array.from({ length: 5 }, a);
    assert.deepEqual(Array.from({ length: 5 }, b), first);
    assert.notDeepEqual(Array.from({ length: 5 }, c), first);
    assert.ok(first.every((x) => x >= 0 && x < 1));
  });
});
