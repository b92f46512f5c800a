import assert from 'node:assert/strict';
import { describe, it } from 'mocha';

import { fillHoles } from '../../evaluator/kernels/fill-holes.ts';
import type { Shape3 } from '../../evaluator/volume/shape.ts';
import { at, fillBox, floodFillHoles, maskOf, parseBits, randomMask, size } from '../helpers/c-order.ts';

/**
 * Expected answers of scipy.ndimage.binary_fill_holes (SciPy 1.17, default structure) computed offline on
 * random masks `numpy.random.default_rng(seed).random(shape) < density`, ravelled in C order.
 */
const SCIPY_CASES: Array<{ name: string; shape: Shape3; added: number; mask: string; filled: string }> = [
  {
    name: 'seed 14, density 0.6',
    shape: [5, 6, 7],
    added: 4,
    mask: '010001001101001110011011011011000001010011100100000111100101110010100110110011111111100011110111011111110011111110110010011011011011111101010111111011001111110011001001100100110100100011101111011101001000100110',
    filled: '010001001101001110011011011011000001010011100100000111100111110011100110110011111111100011110111111111110011111110110010011011011011111101110111111011001111110011001001100100110100100011101111011101001000100110',
  },
  {
    name: 'seed 17, density 0.6',
    shape: [5, 6, 7],
    added: 5,
    mask: '011111100110100110111111001110101100110101101111010101111111111001011110100011111111111011010011001001011001100101111111010001111111101001000101010111111001111110111100000001111110011000110101001110101011001101',
    filled: '011111100110100110111111001110101100110101101111010111111111111001011110100011111111111011010011001001111001111101111111010001111111101001000101110111111001111110111100000001111110011000110101001110101011001101',
  },
  {
    name: 'seed 38, density 0.7',
    shape: [6, 6, 6],
    added: 6,
    mask: '110101011111011111101111111111011111001011101110111111011111001110111111111111111111101001101101100011100011011001100111110101100101111111111011100101101111101011101111011111001110111000101011010111111111111010011011',
    filled: '110101011111011111101111111111011111001011101110111111011111001110111111111111111111101111101111100011100011011001100111110111100111111111111011100101101111101111101111011111001110111000101011010111111111111010011011',
  },
];

function solidBox(shape: Shape3, lo: [number, number, number], hi: [number, number, number]): Uint8Array {
  return fillBox(new Uint8Array(size(shape)), shape, lo, hi);
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let v = 0; v < a.length; v++) s += a[v];
  return s;
}

describe('fillHoles', () => {
  it('fills the one-voxel cavity of a hollow 3×3×3 cube', () => {
    const shape: Shape3 = [5, 5, 5];
    const solid = solidBox(shape, [1, 1, 1], [4, 4, 4]);
    const hollow = Uint8Array.from(solid);
    hollow[at(shape, 2, 2, 2)] = 0;
    const filled = fillHoles(hollow, shape);
    assert.equal(filled[at(shape, 2, 2, 2)], 1);
    assert.deepEqual(filled, solid);
  });

  it('fills a 3×3×3 cavity in a 5×5×5 shell, and leaves the outside alone', () => {
    const shape: Shape3 = [7, 8, 9];
    const solid = solidBox(shape, [1, 2, 2], [6, 7, 7]);
    const shell = fillBox(Uint8Array.from(solid), shape, [2, 3, 3], [5, 6, 6], 0);
    assert.equal(sum(shell), 125 - 27);
    const filled = fillHoles(shell, shape);
    assert.deepEqual(filled, solid);
    assert.equal(sum(filled), 125);
  });

  it('a cavity joined to the outside by a 6-connected tunnel stays open', () => {
    // solid 5×5×5 box at 1..5; cavity (3,3,3); tunnel (3,3,4), (3,3,5) reaches the face k = 5, whose
    // neighbour (3,3,6) is outside
    const shape: Shape3 = [7, 7, 7];
    const mask = solidBox(shape, [1, 1, 1], [6, 6, 6]);
    for (const k of [3, 4, 5]) mask[at(shape, 3, 3, k)] = 0;
    assert.deepEqual(fillHoles(mask, shape), mask);
  });

  it('a cavity joined to the outside only diagonally gets filled', () => {
    // same box; (1,1,3) is removed from the box's edge, so it is 6-connected to (0,1,3) outside and stays empty.
    // (2,2,3) touches (1,1,3) only along an edge diagonal and the cavity (3,3,3) touches (2,2,3) only
    // diagonally: both are holes (scipy.ndimage.binary_fill_holes gives 1, 1, 0 for these three voxels).
    const shape: Shape3 = [7, 7, 7];
    const mask = solidBox(shape, [1, 1, 1], [6, 6, 6]);
    for (const [i, j, k] of [[3, 3, 3], [2, 2, 3], [1, 1, 3]]) mask[at(shape, i, j, k)] = 0;
    const filled = fillHoles(mask, shape);
    assert.equal(filled[at(shape, 3, 3, 3)], 1);
    assert.equal(filled[at(shape, 2, 2, 3)], 1);
    assert.equal(filled[at(shape, 1, 1, 3)], 0);
    const expected = solidBox(shape, [1, 1, 1], [6, 6, 6]);
    expected[at(shape, 1, 1, 3)] = 0;
    assert.deepEqual(filled, expected);
  });

  it('a corner-diagonal gap does not open a cavity either', () => {
    // cavity (2,2,2) in a 3×3×3 solid at 1..3 of a 5³ array; (1,1,1), the box's corner, is removed: it touches
    // the outside by faces and the cavity only by a corner
    const shape: Shape3 = [5, 5, 5];
    const mask = solidBox(shape, [1, 1, 1], [4, 4, 4]);
    mask[at(shape, 2, 2, 2)] = 0;
    mask[at(shape, 1, 1, 1)] = 0;
    const filled = fillHoles(mask, shape);
    assert.equal(filled[at(shape, 2, 2, 2)], 1);
    assert.equal(filled[at(shape, 1, 1, 1)], 0);
  });

  it('background on the array border is never a hole, even when enclosed in the array', () => {
    // every voxel of a 3³ array is foreground except (0,1,1) on face i = 0: scipy treats outside the array as
    // background, so it stays open; same for a corner voxel and for a voxel on the last k
    const shape: Shape3 = [3, 3, 3];
    for (const [i, j, k] of [[0, 1, 1], [0, 0, 0], [1, 1, 2], [2, 2, 2], [1, 2, 1]]) {
      const mask = new Uint8Array(27).fill(1);
      mask[at(shape, i, j, k)] = 0;
      assert.deepEqual(fillHoles(mask, shape), mask, `background at (${i},${j},${k})`);
    }
    // the centre is a hole
    const mask = new Uint8Array(27).fill(1);
    mask[13] = 0;
    assert.deepEqual(fillHoles(mask, shape), new Uint8Array(27).fill(1));
  });

  it('a hole next to the array border (one voxel in) is filled; enclosures cut by the border are not', () => {
    // 2D ring in plane i = 1 of a [3, 5, 5] array: the ring encloses (1,2,2) within the plane, but (0,2,2) and
    // (2,2,2) are open background on the faces i = 0 and i = 2, so nothing is filled
    const shape: Shape3 = [3, 5, 5];
    const ring = Uint8Array.from(fillBox(new Uint8Array(size(shape)), shape, [1, 1, 1], [2, 4, 4]));
    ring[at(shape, 1, 2, 2)] = 0;
    assert.deepEqual(fillHoles(ring, shape), ring);
    // arrays thin in some axis: every voxel is on the border, nothing can be a hole
    const thin: Shape3 = [2, 5, 5];
    const tube = parseBits('00000 01110 01010 01110 00000'.repeat(2));
    assert.deepEqual(fillHoles(tube, thin), tube);
    // closing the two ends one voxel in from the faces makes (2,2,2) a hole
    const closed = fillBox(new Uint8Array(size([5, 5, 5])), [5, 5, 5], [1, 1, 1], [4, 4, 4]);
    closed[at([5, 5, 5], 2, 2, 2)] = 0;
    assert.equal(fillHoles(closed, [5, 5, 5])[at([5, 5, 5], 2, 2, 2)], 1);
  });

  it('empty, full, single-voxel and one-voxel-array volumes', () => {
    const shape: Shape3 = [3, 4, 5];
    assert.deepEqual(fillHoles(new Uint8Array(60), shape), new Uint8Array(60));
    assert.deepEqual(fillHoles(new Uint8Array(60).fill(1), shape), new Uint8Array(60).fill(1));
    const dot = maskOf(shape, [[1, 2, 3]]);
    assert.deepEqual(fillHoles(dot, shape), dot);
    assert.deepEqual(fillHoles(Uint8Array.of(0), [1, 1, 1]), Uint8Array.of(0));
    assert.deepEqual(fillHoles(Uint8Array.of(1), [1, 1, 1]), Uint8Array.of(1));
  });

  it('any nonzero value is foreground; output is a new 0/1 mask; the input is not modified', () => {
    const shape: Shape3 = [3, 3, 3];
    const values = new Int16Array(27).fill(-7);
    values[5] = 300;
    values[13] = 0; // the centre: a hole enclosed by nonzero values
    const copy = Int16Array.from(values);
    const filled = fillHoles(values, shape);
    assert.ok(filled instanceof Uint8Array);
    assert.deepEqual(filled, new Uint8Array(27).fill(1));
    assert.notEqual(filled as unknown, values as unknown);
    assert.deepEqual(values, copy);
  });

  it('two separate cavities and a cavity inside a cavity-filled shell', () => {
    // a 7×7×7 solid with two separate cavities: (2,2,2) and the 2-voxel (4,4,3..4); all filled
    const shape: Shape3 = [9, 9, 9];
    const solid = solidBox(shape, [1, 1, 1], [8, 8, 8]);
    const mask = Uint8Array.from(solid);
    for (const [i, j, k] of [[2, 2, 2], [4, 4, 3], [4, 4, 4]]) mask[at(shape, i, j, k)] = 0;
    assert.deepEqual(fillHoles(mask, shape), solid);
    // nested: a shell with a cavity that holds a floating solid with its own cavity → everything filled
    const nested = fillBox(Uint8Array.from(solid), shape, [2, 2, 2], [7, 7, 7], 0);
    fillBox(nested, shape, [3, 3, 3], [6, 6, 6], 1);
    nested[at(shape, 4, 4, 4)] = 0;
    assert.deepEqual(fillHoles(nested, shape), solid);
  });

  for (const c of SCIPY_CASES) {
    it(`matches scipy.ndimage.binary_fill_holes on a random ${c.shape.join('×')} mask (${c.name})`, () => {
      const mask = parseBits(c.mask);
      const expected = parseBits(c.filled);
      assert.equal(mask.length, size(c.shape));
      assert.equal(sum(expected) - sum(mask), c.added);
      assert.deepEqual(fillHoles(mask, c.shape), expected);
    });
  }

  it('equals a brute-force flood from the border on seeded random volumes', () => {
    let seed = 900;
    let holes = 0;
    for (const shape of [[6, 7, 8], [10, 4, 9], [3, 12, 12], [12, 12, 3], [8, 8, 8]] as Shape3[]) {
      for (const density of [0.5, 0.6, 0.7, 0.8]) {
        const mask = randomMask(shape, density, seed++);
        const expected = floodFillHoles(mask, shape);
        assert.deepEqual(fillHoles(mask, shape), expected, `shape ${shape} density ${density}`);
        holes += sum(expected) - sum(mask);
      }
    }
    assert.ok(holes > 20, `the random volumes should contain holes (got ${holes})`);
  });
});
