import assert from 'node:assert/strict';
import { describe, it } from 'mocha';

import {
  countRunComponents,
  foregroundRuns,
  largestComponent,
  largestComponentRuns,
  runComponentRoots,
  runsToMask,
  type RunSet,
} from '../../evaluator/kernels/largest-component.ts';
import type { Shape3 } from '../../evaluator/volume/shape.ts';
import { floodLabel, maskOf, parseBits, seededRandom, size } from '../helpers/c-order.ts';

/** Runs as [row, start, end] triples. */
function triples(runs: RunSet): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let r = 0; r < runs.count; r++) out.push([runs.rows[r], runs.starts[r], runs.ends[r]]);
  return out;
}

/** Brute force: the largest 6-connected component of values > 0; equal sizes → the one met first in C order. */
function bruteLargest(values: ArrayLike<number>, shape: Shape3): Uint8Array {
  const { labels, count, sizes } = floodLabel(values, shape, 6, (v) => v > 0);
  const out = new Uint8Array(size(shape));
  if (count === 0) return out;
  let best = 1;
  for (let l = 2; l <= count; l++) if (sizes[l] > sizes[best]) best = l;
  // ties: the official rule keeps the component whose first voxel is last when ordered by (axis 2, axis 1, axis 0)
  const firstKey = new Map<number, number>();
  const [n0, n1, n2] = shape;
  for (let v = 0; v < out.length; v++) {
    const l = labels[v];
    if (!l || sizes[l] !== sizes[best]) continue;
    const k = v % n2;
    const j = Math.floor(v / n2) % n1;
    const i = Math.floor(v / (n1 * n2));
    const key = (k * n1 + j) * n0 + i;
    if (!firstKey.has(l) || key < firstKey.get(l)!) firstKey.set(l, key);
  }
  for (const [l, key] of firstKey) if (key > firstKey.get(best)!) best = l;
  for (let v = 0; v < out.length; v++) out[v] = labels[v] === best ? 1 : 0;
  return out;
}

function randomInt8(shape: Shape3, seed: number, positive: number): Int8Array {
  const random = seededRandom(seed);
  const values = new Int8Array(size(shape));
  // a share `positive` of voxels > 0 (1..127); the rest 0 or negative (background)
  for (let v = 0; v < values.length; v++) {
    const u = random();
    values[v] = u < positive ? 1 + Math.floor(random() * 127) : u < (1 + positive) / 2 ? 0 : -1 - Math.floor(random() * 128);
  }
  return values;
}

describe('foregroundRuns', () => {
  it('skips zero words and reads set words element by element: the same runs as a plain array, for every element size and offset', () => {
    const random = seededRandom(41);
    const plainRuns = (values: number[], shape: Shape3) => foregroundRuns(values, shape);
    const same = (a: ReturnType<typeof foregroundRuns>, b: ReturnType<typeof foregroundRuns>, what: string) => {
      assert.deepEqual([...a.rows], [...b.rows], what);
      assert.deepEqual([...a.starts], [...b.starts], what);
      assert.deepEqual([...a.ends], [...b.ends], what);
      assert.equal(a.voxels, b.voxels, what);
    };
    for (const shape of [[3, 5, 7], [2, 3, 9], [4, 4, 4], [1, 1, 13]] as Shape3[]) {
      const n = shape[0] * shape[1] * shape[2];
      // sparse foreground with background values that are not > 0 (negative, -0, NaN) inside set words
      const values = Array.from({ length: n }, () => {
        const r = random();
        return r < 0.15 ? 1 + Math.floor(r * 20) : r < 0.2 ? -3 : r < 0.23 ? -0 : r < 0.25 ? Number.NaN : 0;
      });
      const expected = plainRuns(values, shape);
      for (const make of [
        (v: number[]) => Uint8Array.from(v, (x) => (x > 0 ? x : 0)),
        (v: number[]) => Int8Array.from(v, (x) => (Number.isNaN(x) ? 0 : x)),
        (v: number[]) => Int16Array.from(v, (x) => (Number.isNaN(x) ? 0 : x)),
        (v: number[]) => Float32Array.from(v),
        (v: number[]) => new Uint8Array([9, ...v.map((x) => (x > 0 ? x : 0))]).subarray(1), // unaligned view
      ]) {
        const typed = make(values);
        same(foregroundRuns(typed as unknown as ArrayLike<number>, shape), expected, `${typed.constructor.name} ${shape.join('x')}`);
      }
    }
  });

  it('lists runs along axis 2 in C order with row = i * n1 + j', () => {
    const shape: Shape3 = [2, 2, 6];
    const mask = parseBits(`
      011010
      111111
      000000
      100001`);
    const runs = foregroundRuns(mask, shape);
    assert.equal(runs.count, 5);
    assert.equal(runs.voxels, 3 + 6 + 2);
    assert.deepEqual(triples(runs), [
      [0, 1, 3],
      [0, 4, 5],
      [1, 0, 6],
      [3, 0, 1],
      [3, 5, 6],
    ]);
  });

  it('only values > 0 are foreground: negative int8 values and 0 are background', () => {
    const shape: Shape3 = [1, 1, 8];
    const values = Int8Array.of(-1, 1, 2, -128, 127, 0, -5, 3);
    const copy = Int8Array.from(values);
    const runs = foregroundRuns(values, shape);
    assert.deepEqual(triples(runs), [
      [0, 1, 3],
      [0, 4, 5],
      [0, 7, 8],
    ]);
    assert.equal(runs.voxels, 4);
    assert.deepEqual(values, copy);
  });

  it('empty and full volumes, and more runs than the initial buffer', () => {
    assert.equal(foregroundRuns(new Uint8Array(12), [2, 2, 3]).count, 0);
    assert.equal(foregroundRuns(new Uint8Array(12), [2, 2, 3]).voxels, 0);
    const full = foregroundRuns(new Uint8Array(12).fill(1), [2, 2, 3]);
    assert.deepEqual(triples(full), [
      [0, 0, 3],
      [1, 0, 3],
      [2, 0, 3],
      [3, 0, 3],
    ]);
    // 3000 isolated voxels → 3000 runs (the builder starts with room for 1024)
    const shape: Shape3 = [1, 1000, 6];
    const mask = new Uint8Array(size(shape));
    for (let v = 0; v < mask.length; v += 2) mask[v] = 1;
    const many = foregroundRuns(mask, shape);
    assert.equal(many.count, 3000);
    assert.equal(many.voxels, 3000);
    assert.deepEqual(triples(many).slice(-1), [[999, 4, 5]]);
  });
});

describe('runComponentRoots / countRunComponents', () => {
  it('a U whose arms are separate runs at first: every run points to the first run', () => {
    // rows 0..2 of plane 0; row 0 holds the left arm (run 0), a separate dot (run 1) and the right arm (run 2)
    const shape: Shape3 = [1, 3, 5];
    const mask = parseBits(`
      10101
      10001
      11111`);
    const runs = foregroundRuns(mask, shape);
    assert.equal(runs.count, 6);
    assert.deepEqual(Array.from(runComponentRoots(runs, shape)), [0, 1, 0, 0, 0, 0]);
    assert.equal(countRunComponents(runs, shape), 2);
  });

  it('runs join through axis 0 (row - n1) as well as axis 1 (row - 1)', () => {
    const shape: Shape3 = [2, 2, 3];
    // (0,0,0..2) and (1,0,1): neighbours along axis 0
    const runs = foregroundRuns(maskOf(shape, [[0, 0, 0], [0, 0, 1], [0, 0, 2], [1, 0, 1]]), shape);
    assert.deepEqual(Array.from(runComponentRoots(runs, shape)), [0, 0]);
    assert.equal(countRunComponents(runs, shape), 1);
  });

  it('6-connectivity only: runs meeting end to start, or diagonally across axes, stay apart', () => {
    const shape: Shape3 = [2, 2, 6];
    // row 0 = [0, 3), row 1 = [3, 6): they meet only along an edge diagonal
    const endToStart = foregroundRuns(parseBits('111000 000111 000000 000000'), shape);
    assert.equal(countRunComponents(endToStart, shape), 2);
    // one voxel of overlap joins them
    const overlap = foregroundRuns(parseBits('111000 001111 000000 000000'), shape);
    assert.equal(countRunComponents(overlap, shape), 1);
    // corner diagonal (0,0,0)–(1,1,1) and edge diagonal (0,0,0)–(1,1,0)
    assert.equal(countRunComponents(foregroundRuns(maskOf(shape, [[0, 0, 0], [1, 1, 1]]), shape), shape), 2);
    assert.equal(countRunComponents(foregroundRuns(maskOf(shape, [[0, 0, 0], [1, 1, 0]]), shape), shape), 2);
    assert.equal(countRunComponents(foregroundRuns(maskOf(shape, [[0, 0, 0], [1, 0, 1]]), shape), shape), 2);
  });

  it('rows adjacent in memory but not in space (last row of a plane, first row of the next) stay apart', () => {
    const shape: Shape3 = [2, 2, 3];
    // rows 1 = (0,1,·) and 2 = (1,0,·) are consecutive row numbers
    const runs = foregroundRuns(maskOf(shape, [[0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1]]), shape);
    assert.deepEqual(
      triples(runs).map((t) => t[0]),
      [1, 2],
    );
    assert.equal(countRunComponents(runs, shape), 2);
  });

  it('no runs: no roots, no components', () => {
    const runs = foregroundRuns(new Uint8Array(8), [2, 2, 2]);
    assert.equal(runComponentRoots(runs, [2, 2, 2]).length, 0);
    assert.equal(countRunComponents(runs, [2, 2, 2]), 0);
  });

  it('roots are the first run of each component and counts equal a flood fill, on random volumes', () => {
    let seed = 1;
    for (const shape of [[6, 7, 8], [3, 12, 10], [9, 1, 15], [1, 9, 9]] as Shape3[]) {
      for (const positive of [0.3, 0.5, 0.7]) {
        const values = randomInt8(shape, seed++, positive);
        const runs = foregroundRuns(values, shape);
        const roots = runComponentRoots(runs, shape);
        const flood = floodLabel(values, shape, 6, (v) => v > 0);
        assert.equal(countRunComponents(runs, shape), flood.count);
        // runs of the same flood component share a root, the root is the component's first run, and roots
        // appear in the order of the flood labels (first-met order)
        const rootOfLabel = new Map<number, number>();
        for (let r = 0; r < runs.count; r++) {
          const label = flood.labels[runs.rows[r] * shape[2] + runs.starts[r]];
          if (!rootOfLabel.has(label)) {
            rootOfLabel.set(label, r);
            assert.equal(roots[r], r);
          }
          assert.equal(roots[r], rootOfLabel.get(label));
        }
        assert.deepEqual([...rootOfLabel.keys()], Array.from({ length: flood.count }, (_, n) => n + 1));
      }
    }
  });
});

describe('largestComponentRuns / runsToMask / largestComponent', () => {
  it('keeps the component with most voxels and reports its voxel count', () => {
    // components: the dot (0,0,0), 1 voxel; the bar (0,1,2..5), 4 voxels; the bottom bar (0,3,0..4), 5 voxels
    const shape: Shape3 = [1, 4, 6];
    const mask = parseBits(`
      100000
      001111
      000000
      111110`);
    const runs = largestComponentRuns(foregroundRuns(mask, shape), shape);
    assert.equal(runs.voxels, 5);
    assert.deepEqual(triples(runs), [[3, 0, 5]]);
    assert.deepEqual(Array.from(largestComponent(mask, shape)), Array.from(parseBits('000000 000000 000000 111110')));
    // two more voxels (0,0,4..5) on top of the upper bar make it the largest: 6 voxels in two runs
    const mask2 = Uint8Array.from(mask);
    mask2[4] = 1;
    mask2[5] = 1;
    const runs2 = largestComponentRuns(foregroundRuns(mask2, shape), shape);
    assert.equal(runs2.voxels, 6);
    assert.deepEqual(triples(runs2), [[0, 4, 6], [1, 2, 6]]);
  });

  it('a diagonal contact does not join: a 3-voxel and a 4-voxel piece touching only diagonally stay apart', () => {
    const shape: Shape3 = [2, 2, 4];
    // A = (0,0,0..2), 3 voxels; B = (1,1,3) with its face neighbours (0,1,3), (1,1,2), (1,0,3), 4 voxels.
    // B meets A only diagonally: (0,1,3), (1,0,3), (1,1,2) along edges and (1,1,3) at a corner of (0,0,2).
    // Joined (26-connectivity) they would be one 7-voxel component; 6-connected, B alone is the largest.
    const a: Array<[number, number, number]> = [[0, 0, 0], [0, 0, 1], [0, 0, 2]];
    const b: Array<[number, number, number]> = [[1, 1, 3], [0, 1, 3], [1, 1, 2], [1, 0, 3]];
    const mask = maskOf(shape, [...a, ...b]);
    const lcc = largestComponent(mask, shape);
    assert.deepEqual(Array.from(lcc), Array.from(maskOf(shape, b)));
    assert.equal(largestComponentRuns(foregroundRuns(mask, shape), shape).voxels, 4);
  });

  it('a component touching every face of the array', () => {
    const shape: Shape3 = [3, 3, 3];
    // a full cross through the centre (7 voxels) touches all six faces; a corner dot is separate
    const cross = maskOf(shape, [[1, 1, 1], [0, 1, 1], [2, 1, 1], [1, 0, 1], [1, 2, 1], [1, 1, 0], [1, 1, 2]]);
    const mask = Uint8Array.from(cross);
    mask[0] = 1;
    mask[26] = 1;
    assert.deepEqual(largestComponent(mask, shape), cross);
  });

  it('empty input gives an empty mask; a single voxel is its own largest component', () => {
    const shape: Shape3 = [2, 3, 4];
    const empty = largestComponentRuns(foregroundRuns(new Uint8Array(24), shape), shape);
    assert.equal(empty.count, 0);
    assert.equal(empty.voxels, 0);
    assert.deepEqual(largestComponent(new Uint8Array(24), shape), new Uint8Array(24));
    const one = maskOf(shape, [[1, 2, 3]]);
    assert.deepEqual(largestComponent(one, shape), one);
    assert.deepEqual(largestComponent(Uint8Array.of(1), [1, 1, 1]), Uint8Array.of(1));
  });

  it('runsToMask paints runs as 0/1 at row * n2 + [start, end)', () => {
    const shape: Shape3 = [2, 2, 3];
    const runs = foregroundRuns(Int8Array.of(0, 5, 9, /**/ 0, 0, 0, /**/ -1, 0, 0, /**/ 100, 100, 100), shape);
    assert.deepEqual(Array.from(runsToMask(runs, shape)), [0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it('negative int8 values are background: they neither join nor count', () => {
    const shape: Shape3 = [1, 1, 7];
    // 2 positive, a wall of -1, 3 positive
    const values = Int8Array.of(1, 2, -1, -1, 3, 4, 5);
    const copy = Int8Array.from(values);
    assert.deepEqual(Array.from(largestComponent(values, shape)), [0, 0, 0, 0, 1, 1, 1]);
    // a longer all-negative stretch would win if negatives counted
    const negatives = Int8Array.of(-1, -1, -1, -1, 0, 3, 3);
    assert.deepEqual(Array.from(largestComponent(negatives, shape)), [0, 0, 0, 0, 0, 1, 1]);
    assert.deepEqual(values, copy);
  });

  it('equals a brute-force flood fill on seeded random int8 volumes; the input is not modified', () => {
    let seed = 500;
    let checked = 0;
    for (const shape of [[8, 9, 10], [4, 16, 12], [12, 3, 20], [1, 1, 40], [20, 20, 1]] as Shape3[]) {
      for (const positive of [0.25, 0.4, 0.55, 0.7]) {
        const values = randomInt8(shape, seed++, positive);
        const copy = Int8Array.from(values);
        const expected = bruteLargest(values, shape);
        const got = largestComponent(values, shape);
        assert.deepEqual(got, expected, `shape ${shape} positive ${positive}`);
        const runs = largestComponentRuns(foregroundRuns(values, shape), shape);
        assert.equal(runs.voxels, expected.reduce((s, v) => s + v, 0));
        assert.deepEqual(runsToMask(runs, shape), expected);
        assert.deepEqual(values, copy);
        checked++;
      }
    }
    assert.equal(checked, 20);
  });
});

describe('largest component ties', () => {
  it('keeps the last of equal-sized components in NumPy C order of the transposed file array, as a stable argsort does', () => {
    // file order [nz=1, ny=1, nx=5]: x is NumPy's first axis, so components at x=0..1 and x=3..4; the second is last
    assert.deepEqual(Array.from(largestComponent(Uint8Array.of(1, 1, 0, 1, 1), [1, 1, 5])), [0, 0, 0, 1, 1]);
    // file order [nz=3, ny=1, nx=1] with runs along x of length 1: two single voxels at z=0 and z=2 → z=2 is last
    assert.deepEqual(Array.from(largestComponent(Uint8Array.of(1, 0, 1), [3, 1, 1])), [0, 0, 1]);
  });
});
