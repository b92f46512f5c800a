/**
 * The Wilcoxon signed-rank test on a bootstrap sample from case counts (ranking/resampled-signed-rank.ts): a
 * hand-checked pair, then bit-for-bit equality with the test on the gathered sample (wilcoxon.ts, the reference)
 * on random tables with ties, zero differences and missing cases, and the whole rank-uncertainty output of a
 * test-then-rank scheme equal to the one the gathered reference gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { MetricTable } from '../../ranking/metric-table.ts';
import { normalUpperTail } from '../../ranking/normal-tail.ts';
import { rankUncertainty } from '../../ranking/rank-uncertainty.ts';
import { caseCounts, pairDifferences, pairwiseBetterPOnCounts, signedRankOnCounts, winsOnCounts } from '../../ranking/resampled-signed-rank.ts';
import { pairwiseBetterP, type SchemeSpec } from '../../ranking/schemes.ts';
import { seededRandom } from '../../ranking/seeded-random.ts';
import { wilcoxonSignedRankGreater } from '../../ranking/wilcoxon.ts';

const rows = (...values: number[][]) => values.map((v) => Float64Array.from(v));

/** Same bits, NaN equal to NaN. */
function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Object.is(actual[i], expected[i]), `${what} [${i}]: ${actual[i]} vs ${expected[i]}`);
}

/** A table of small decimal values: many ties, zero differences, and NaN (missing) cells when asked. */
function randomRows(random: () => number, m: number, n: number, levels: number, missing: number): Float64Array[] {
  return Array.from({ length: m }, () => Float64Array.from({ length: n }, () => (random() < missing ? Number.NaN : Math.floor(random() * levels) / 10 + 0.1)));
}

/** The i-th case of the sample `counts` lists (cases in order, each as often as it is drawn). */
function pickOf(counts: Int32Array, i: number): number {
  let c = 0;
  for (let seen = counts[0]; seen <= i; seen += counts[++c]);
  return c;
}

/** Entries with a skill each, plus noise: continuous values, so almost every pair's differences are distinct. */
function continuousRows(random: () => number, m: number, n: number): Float64Array[] {
  return Array.from({ length: m }, () => {
    const skill = 0.5 + 0.3 * random();
    return Float64Array.from({ length: n }, () => skill + 0.2 * random());
  });
}

function draw(random: () => number, n: number): Int32Array {
  return Int32Array.from({ length: n }, () => Math.floor(random() * n));
}

describe('Wilcoxon signed rank from case counts', () => {
  // x − y = (2, −1, 3, 0, 1): case 3 is dropped; |d| ascending: cases 1 and 4 tie at 1, then case 0 (2), case 2 (3)
  const pair = rows([5, 4, 9, 2, 3], [3, 5, 6, 2, 2]);

  it('sorts each pair once: cases by |d| with sign and tie-group bits, zero differences dropped', () => {
    const d = pairDifferences(pair);
    // case·4 + 1 if d > 0 + 2 if last of its tie group: case 1 (−1) 4, case 4 (+1, ends the tie) 19, case 0 3, case 2 11
    assert.deepEqual(Array.from(d.code), [4, 19, 3, 11]);
    assert.deepEqual(Array.from(d.start), [0, 4]);
    assert.deepEqual(Array.from(d.distinct), [0]); // a zero difference and a tie: not the fast path
    assert.deepEqual(Array.from(pairDifferences(rows([5, 4, 9, 2], [3, 5, 6, 6])).distinct), [1]); // d = 2, −1, 3, −4: mixed
    assert.deepEqual(Array.from(pairDifferences(rows([5, 4, 9, 2], [4, 2, 6, -2], [6, 6, 13, 7])).distinct), [2, 3, 3]); // one-sided
  });

  it('every case once: V = 8.5, n = 4, σ² = 7.375, as wilcoxon.ts by hand', () => {
    const out = new Float64Array(3);
    signedRankOnCounts(pairDifferences(pair), 0, Int32Array.from([1, 1, 1, 1, 1]), out);
    assert.deepEqual(Array.from(out), [8.5, 4, Math.sqrt(7.375)]);
  });

  it('a resample: case 0 twice, cases 1 and 2 once gives d = (2, 2, −1, 3): ranks 2.5, 2.5, 1, 4, V = 9, ties 2³ − 2', () => {
    const counts = caseCounts(Int32Array.from([0, 2, 1, 0]), new Int32Array(5));
    assert.deepEqual(Array.from(counts), [2, 1, 1, 0, 0]);
    const out = new Float64Array(3);
    signedRankOnCounts(pairDifferences(pair), 0, counts, out);
    // σ² = 4·5·9/24 − 6/48 = 7.375, the same tie term as the full sample's
    assert.deepEqual(Array.from(out), [9, 4, Math.sqrt(7.375)]);
    const gathered = wilcoxonSignedRankGreater([5, 5, 4, 9], [3, 3, 5, 6]);
    assert.equal(gathered.statistic, 9);
    assert.equal(gathered.n, 4);
  });

  it('only zero differences drawn: n = 0 and p is NaN both ways, as R', () => {
    const counts = Int32Array.from([0, 0, 0, 5, 0]);
    const p = pairwiseBetterPOnCounts(pairDifferences(pair), counts, 'higher', new Float64Array(4));
    assertSameBits(p, [Number.NaN, Number.NaN, Number.NaN, Number.NaN], 'p');
  });

  it('the same p-values bit for bit as the gathered sample, on 300 random tables with ties, zeros and missing cases', () => {
    const random = seededRandom(2026);
    for (let table = 0; table < 300; table++) {
      const m = 2 + Math.floor(random() * 6);
      const n = table % 10 === 0 ? 100 + Math.floor(random() * 100) : 1 + Math.floor(random() * 40);
      const values = randomRows(random, m, n, 2 + Math.floor(random() * 12), table % 3 === 0 ? 0.1 : 0);
      const d = pairDifferences(values);
      const counts = new Int32Array(n);
      const p = new Float64Array(m * m);
      for (let s = 0; s < 5; s++) {
        const picks = s === 0 ? Int32Array.from({ length: n }, (_, i) => i) : draw(random, n);
        const gathered = values.map((row) => Float64Array.from(picks, (c) => row[c]));
        for (const direction of ['higher', 'lower'] as const) {
          pairwiseBetterPOnCounts(d, caseCounts(picks, counts), direction, p);
          assertSameBits(p, pairwiseBetterP(gathered, direction), `table ${table} sample ${s} ${direction}`);
        }
      }
    }
  });

  it('wins by hand: X = Y + (1 … 8) (V = 36, z = 17.5/√51 = 2.45, p = 0.0071) beats Y and its twin Z at 0.05 and 0.01, not at 0.005', () => {
    const y = [3, 1, 4, 1, 5, 9, 2, 6];
    const d = pairDifferences(rows(y.map((v, i) => v + i + 1), y, y));
    assert.deepEqual(Array.from(d.distinct), [2, 2, 0]); // X − Y and X − Z: 1 … 8, V = n(n + 1)/2 without a loop
    const counts = Int32Array.from({ length: 8 }, () => 1);
    const wins = (direction: 'higher' | 'lower', level: number) => Array.from(winsOnCounts(d, counts, direction, level, new Float64Array(3)));
    assert.deepEqual(wins('higher', 0.05), [2, 0, 0]); // z ≥ 2: decided without the tail
    assert.deepEqual(wins('higher', 0.01), [2, 0, 0]); // a level under 0.025: the tail, 0.0071
    assert.deepEqual(wins('higher', 0.005), [0, 0, 0]);
    assert.deepEqual(wins('lower', 0.05), [0, 1, 1]); // lower is better: Y and Z beat X; Y and Z tie on every case
    // the z ≤ 0 shortcut needs a level under ½
    assert.throws(() => wins('higher', 0.5), RangeError);
    assert.throws(() => wins('higher', 0), RangeError);
  });

  it('wins equal the significant p-values of the gathered sample, at 0.05 (z ≥ 2 decided without the tail) and 0.01', () => {
    const random = seededRandom(77);
    let decidedNearLevel = 0;
    const distinctPairs = [0, 0, 0, 0]; // by kind: not distinct, mixed, all positive, all negative
    for (let table = 0; table < 300; table++) {
      const m = 2 + Math.floor(random() * 6);
      const n = 3 + Math.floor(random() * 30);
      // every other table continuous: pairs of distinct differences (no zero, no tie) take their own path
      const values = table % 2 ? randomRows(random, m, n, 2 + Math.floor(random() * 12), table % 3 === 0 ? 0.1 : 0) : continuousRows(random, m, n);
      const d = pairDifferences(values);
      d.distinct.forEach((kind) => distinctPairs[kind]++);
      const counts = new Int32Array(n);
      const wins = new Float64Array(m);
      for (let s = 0; s < 5; s++) {
        caseCounts(draw(random, n), counts);
        const gathered = values.map((row) => Float64Array.from({ length: n }, (_, i) => row[pickOf(counts, i)]));
        for (const direction of ['higher', 'lower'] as const) {
          const p = pairwiseBetterP(gathered, direction);
          for (const level of [0.05, 0.01]) {
            const expected = Array.from({ length: m }, (_, a) => Array.from({ length: m }, (_, b) => a !== b && p[a * m + b] <= level).filter(Boolean).length);
            decidedNearLevel += Array.from(p).filter((x) => x > level / 2 && x < level * 2).length;
            assert.deepEqual(Array.from(winsOnCounts(d, counts, direction, level, wins)), expected, `table ${table} sample ${s} ${direction} ${level}`);
          }
        }
      }
    }
    assert.ok(decidedNearLevel > 100, `p-values near the level: ${decidedNearLevel}`);
    assert.ok(distinctPairs.every((count) => count > 50), `pairs by kind: ${distinctPairs.join(', ')}`);
  });

  it("the tail's two facts wins rely on: P(Z > z) ≥ ½ for z ≤ 0 and ≤ 0.025 for z ≥ 2, as computed", () => {
    for (let i = 0; i <= 4000; i++) {
      const z = i === 4000 ? 1e300 : 2 + i * 0.01 + (i % 7) * 1e-9;
      assert.ok(normalUpperTail(z) <= 0.025, `z = ${z}`);
      assert.ok(normalUpperTail(-z + 2) >= 0.5, `z = ${-z + 2}`);
    }
    assert.ok(normalUpperTail(2) <= 0.025 && normalUpperTail(0) === 0.5 && normalUpperTail(-Number.MIN_VALUE) >= 0.5);
  });

  it('a test-then-rank phase: rank uncertainty equal to the gathered reference, with missing cases and two metrics', () => {
    const random = seededRandom(11);
    const m = 9;
    const n = 25;
    const skill = Array.from({ length: m }, () => 0.6 + 0.3 * random());
    const metric = (step: number) => skill.map((s) => Float64Array.from({ length: n }, () => (random() < 0.04 ? Number.NaN : Math.round((s + 0.2 * (random() - 0.5)) / step) * step)));
    const table: MetricTable = {
      entries: skill.map((_, i) => `t${i}`),
      cases: Array.from({ length: n }, (_, i) => `c${i}`),
      metrics: { TD: metric(0.02), Leakage: metric(0.05) },
    };
    const one: SchemeSpec = { kind: 'test-then-rank', metrics: [{ name: 'TD', direction: 'higher', weight: 1 }] };
    const two: SchemeSpec = { kind: 'test-then-rank', metrics: [...one.metrics, { name: 'Leakage', direction: 'lower', weight: 2 }] };
    for (const spec of [one, two]) {
      const fast = rankUncertainty(spec, table, { samples: 300, seed: 5 });
      assert.deepEqual(fast, rankUncertainty(spec, table, { samples: 300, seed: 5, pairTests: 'gathered' }));
      // the bootstrap is not degenerate: some entry's rank moves
      assert.ok(fast.entries.some((e) => e.keepShare < 1));
    }
  });
});
