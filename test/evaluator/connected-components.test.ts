import assert from 'node:assert/strict';
import { describe, it } from 'mocha';

import { componentSizes, labelComponents } from '../../evaluator/kernels/connected-components.ts';
import type { Shape3 } from '../../evaluator/volume/shape.ts';
import { at, floodLabel, maskOf, parseBits, randomMask, size } from '../helpers/c-order.ts';

/**
 * Expected answers of scipy.ndimage.label (SciPy 1.17, structure = generate_binary_structure(3, 1) for 6 and
 * (3, 3) for 26), computed offline on these random masks; arrays are `ravel()`ed in C order.
 */
interface ScipyCase {
  readonly name: string;
  readonly shape: Shape3;
  readonly mask: string;
  readonly count6: number;
  readonly labels6: number[];
  readonly sizes6: number[];
  readonly count26: number;
  readonly labels26: number[];
  readonly sizes26: number[];
}

const SCIPY_CASES: ScipyCase[] = [
  {
    // numpy.random.default_rng(1).random((4, 5, 6)) < 0.4
    name: 'A',
    shape: [4, 5, 6],
    mask: '001010000100101010110100000110010000100100010000100010110000110001100010000100000101010111011110101000000101011110011000',
    count6: 13,
    labels6: [0,0,1,0,2,0,0,0,0,3,0,0,4,0,5,0,6,0,4,4,0,7,0,0,0,0,0,7,7,0,0,8,0,0,0,0,8,0,0,3,0,0,0,9,0,0,0,0,4,0,0,0,10,0,4,4,0,0,0,0,8,8,0,0,0,11,8,0,0,0,12,0,0,0,0,4,0,0,0,0,0,4,0,4,0,4,0,4,4,4,0,8,8,8,8,0,8,0,8,0,0,0,0,0,0,4,0,13,0,4,4,4,4,0,0,4,4,0,0,0],
    sizes6: [75, 1, 1, 2, 20, 1, 1, 3, 11, 1, 1, 1, 1, 1],
    count26: 1,
    labels26: [0,0,1,0,1,0,0,0,0,1,0,0,1,0,1,0,1,0,1,1,0,1,0,0,0,0,0,1,1,0,0,1,0,0,0,0,1,0,0,1,0,0,0,1,0,0,0,0,1,0,0,0,1,0,1,1,0,0,0,0,1,1,0,0,0,1,1,0,0,0,1,0,0,0,0,1,0,0,0,0,0,1,0,1,0,1,0,1,1,1,0,1,1,1,1,0,1,0,1,0,0,0,0,0,0,1,0,1,0,1,1,1,1,0,0,1,1,0,0,0],
    sizes26: [75, 45],
  },
  {
    // numpy.random.default_rng(2).random((5, 4, 7)) < 0.3
    name: 'B',
    shape: [5, 4, 7],
    mask: '11010011100100000001000000001110000000000000000111000000000111011010000000000100110011101100010001110001001100110000010011000000000001000101',
    count6: 15,
    labels6: [1,1,0,2,0,0,3,1,1,0,0,4,0,0,0,0,0,0,0,5,0,0,0,0,0,0,0,0,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,5,5,6,0,0,0,0,0,0,0,0,0,7,7,7,0,8,8,0,7,0,0,0,0,0,0,0,0,0,0,6,0,0,9,9,0,0,10,10,10,0,7,7,0,0,0,10,0,0,0,11,12,12,0,0,0,13,0,0,12,12,0,0,13,13,0,0,0,0,0,7,0,0,10,10,0,0,0,0,0,0,0,0,0,0,0,14,0,0,0,15,0,13],
    sizes6: [97, 7, 1, 1, 1, 3, 2, 7, 2, 2, 6, 1, 4, 4, 1, 1],
    count26: 2,
    labels26: [1,1,0,1,0,0,2,1,1,0,0,1,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,1,0,0,0,0,0,0,0,0,0,1,1,1,0,1,1,0,1,0,0,0,0,0,0,0,0,0,0,1,0,0,1,1,0,0,1,1,1,0,1,1,0,0,0,1,0,0,0,1,1,1,0,0,0,1,0,0,1,1,0,0,1,1,0,0,0,0,0,1,0,0,1,1,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,1,0,1],
    sizes26: [97, 42, 1],
  },
  {
    // numpy.random.default_rng(4).random((4, 5, 6)) < 0.15
    name: 'D',
    shape: [4, 5, 6],
    mask: '000100000000000000000001000000000000000000000000000100000000000000100001000010001000000010100100000011000000000000001000',
    count6: 11,
    labels6: [0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,4,0,0,0,0,5,0,0,0,0,6,0,0,0,7,0,0,0,0,0,0,0,8,0,9,0,0,10,0,0,0,0,0,0,5,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,11,0,0,0],
    sizes6: [107, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1],
    count26: 4,
    labels26: [0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,4,0,0,0,0,3,0,0,0,0,3,0,0,0,3,0,0,0,0,0,0,0,3,0,4,0,0,3,0,0,0,0,0,0,3,3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3,0,0,0],
    sizes26: [107, 1, 1, 9, 2],
  },
  {
    // numpy.random.default_rng(5).random((5, 5, 5)) < 0.2
    name: 'E',
    shape: [5, 5, 5],
    mask: '00001001100000000001000100000101000000100000000010100000000000001000010000000001000000001000000101010010000100011100000000000',
    count6: 13,
    labels6: [0,0,0,0,1,0,0,2,2,0,0,0,0,0,0,0,0,0,0,3,0,0,0,4,0,0,0,0,0,1,0,5,0,0,0,0,0,0,6,0,0,0,0,0,0,0,0,0,4,0,7,0,0,0,0,0,0,0,0,0,0,0,0,0,8,0,0,0,0,8,0,0,0,0,0,0,0,0,0,9,0,0,0,0,0,0,0,0,10,0,0,0,0,0,0,11,0,12,0,13,0,0,10,0,0,0,0,10,0,0,0,10,10,10,0,0,0,0,0,0,0,0,0,0,0],
    sizes6: [103, 2, 2, 1, 2, 1, 1, 1, 2, 1, 6, 1, 1, 1],
    count26: 4,
    labels26: [0,0,0,0,1,0,0,1,1,0,0,0,0,0,0,0,0,0,0,1,0,0,0,1,0,0,0,0,0,1,0,1,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,1,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,1,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,3,0,4,0,1,0,0,1,0,0,0,0,1,0,0,0,1,1,1,0,0,0,0,0,0,0,0,0,0,0],
    sizes26: [103, 19, 1, 1, 1],
  },
];

function labelsOf(mask: ArrayLike<number>, shape: Shape3, connectivity: 6 | 26): number[] {
  return Array.from(labelComponents(mask, shape, connectivity).labels);
}

describe('labelComponents', () => {
  it('numbers a U whose arms are met separately first as 1, and the objects met after it 2 and 3', () => {
    // one plane (i = 0), rows j = 0..2, k = 0..6. Scan order meets the left arm (k = 0), then the dot at k = 2,
    // then the right arm (k = 4), then the bar (k = 6); the arms only join in row 2.
    const shape: Shape3 = [1, 3, 7];
    const mask = parseBits(`
      1010101
      1000101
      1111101`);
    const { labels, count } = labelComponents(mask, shape, 6);
    assert.equal(count, 3);
    assert.deepEqual(Array.from(labels), [
      1, 0, 2, 0, 1, 0, 3,
      1, 0, 0, 0, 1, 0, 3,
      1, 1, 1, 1, 1, 0, 3,
    ]);
    // same answer with 26-connectivity: nothing touches diagonally here
    assert.deepEqual(labelsOf(mask, shape, 26), Array.from(labels));
  });

  it('joins arms in a later plane (axis 0) and keeps first-met numbering', () => {
    // plane i = 0: arms at (0,0,0) and (0,0,4), a dot at (0,1,2); plane i = 1: a bar (1,0,0..4) joining the arms.
    // 6-connectivity: the dot touches the bar only along an edge diagonal → U = 1, dot = 2.
    // 26-connectivity: the dot touches (1,0,1..3) diagonally → a single object.
    const shape: Shape3 = [2, 2, 5];
    const mask = maskOf(shape, [[0, 0, 0], [0, 0, 4], [0, 1, 2], [1, 0, 0], [1, 0, 1], [1, 0, 2], [1, 0, 3], [1, 0, 4]]);
    assert.deepEqual(labelsOf(mask, shape, 6), [
      1, 0, 0, 0, 1, /* */ 0, 0, 2, 0, 0,
      1, 1, 1, 1, 1, /* */ 0, 0, 0, 0, 0,
    ]);
    assert.equal(labelComponents(mask, shape, 26).count, 1);
    assert.deepEqual(labelsOf(mask, shape, 26), Array.from(mask));
  });

  it('an object whose first voxel comes later gets the higher label though it reaches back along k', () => {
    // the dot (0,0,2) is met before the big L whose first voxel is (0,0,4), though the L's foot (2,0,0..4)
    // starts at k = 0: labels follow the first voxel met in the scan, not the lowest k or the size
    const shape: Shape3 = [3, 1, 5];
    const mask = maskOf(shape, [[0, 0, 2], [0, 0, 4], [1, 0, 4], [2, 0, 4], [2, 0, 3], [2, 0, 2], [2, 0, 1], [2, 0, 0]]);
    const expected = [0, 0, 1, 0, 2, /* */ 0, 0, 0, 0, 2, /* */ 2, 2, 2, 2, 2];
    assert.deepEqual(labelsOf(mask, shape, 6), expected);
    assert.deepEqual(labelsOf(mask, shape, 26), expected);
  });

  it('6-connectivity: face neighbours join, edge- and corner-diagonal neighbours do not', () => {
    const shape: Shape3 = [2, 2, 2];
    const face = maskOf(shape, [[0, 0, 0], [0, 0, 1]]);
    const edge = maskOf(shape, [[0, 0, 0], [0, 1, 1]]);
    const edge2 = maskOf(shape, [[0, 0, 1], [1, 1, 1]]);
    const corner = maskOf(shape, [[0, 0, 0], [1, 1, 1]]);
    const antiCorner = maskOf(shape, [[0, 1, 1], [1, 0, 0]]);
    assert.equal(labelComponents(face, shape, 6).count, 1);
    assert.equal(labelComponents(edge, shape, 6).count, 2);
    assert.equal(labelComponents(edge2, shape, 6).count, 2);
    assert.equal(labelComponents(corner, shape, 6).count, 2);
    assert.equal(labelComponents(antiCorner, shape, 6).count, 2);
    assert.deepEqual(labelsOf(corner, shape, 6), [1, 0, 0, 0, 0, 0, 0, 2]);
  });

  it('26-connectivity: edge- and corner-diagonal neighbours join, in every direction', () => {
    const shape: Shape3 = [3, 3, 3];
    for (let di = -1; di <= 1; di++) {
      for (let dj = -1; dj <= 1; dj++) {
        for (let dk = -1; dk <= 1; dk++) {
          if (di === 0 && dj === 0 && dk === 0) continue;
          const mask = maskOf(shape, [[1, 1, 1], [1 + di, 1 + dj, 1 + dk]]);
          const face = Math.abs(di) + Math.abs(dj) + Math.abs(dk) === 1;
          assert.equal(labelComponents(mask, shape, 26).count, 1, `26: offset ${di},${dj},${dk}`);
          assert.equal(labelComponents(mask, shape, 6).count, face ? 1 : 2, `6: offset ${di},${dj},${dk}`);
        }
      }
    }
    // two voxels two steps apart never touch
    assert.equal(labelComponents(maskOf(shape, [[0, 0, 0], [2, 2, 2]]), shape, 26).count, 2);
    assert.equal(labelComponents(maskOf(shape, [[0, 0, 0], [0, 0, 2]]), shape, 26).count, 2);
  });

  it('an anti-diagonal (reaching forward along k while going back along j) is 26-connected', () => {
    // a staircase (0,0,3),(0,1,2),(0,2,1),(0,3,0): each voxel's earlier neighbour is at offset (0,-1,+1)
    const shape: Shape3 = [1, 4, 4];
    const mask = maskOf(shape, [[0, 0, 3], [0, 1, 2], [0, 2, 1], [0, 3, 0]]);
    assert.equal(labelComponents(mask, shape, 26).count, 1);
    assert.equal(labelComponents(mask, shape, 6).count, 4);
    assert.deepEqual(labelsOf(mask, shape, 6), [0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 0]);
  });

  it('voxels adjacent in memory but not in space (row and plane wrap-around) stay apart', () => {
    // (0,0,n2-1) and (0,1,0) are consecutive flat indices; (0,n1-1,k) and (1,0,k) are n2 apart
    const shape: Shape3 = [2, 3, 4];
    const rowWrap = maskOf(shape, [[0, 0, 3], [0, 1, 0]]);
    assert.equal(labelComponents(rowWrap, shape, 6).count, 2);
    assert.equal(labelComponents(rowWrap, shape, 26).count, 2);
    const planeWrap = maskOf(shape, [[0, 2, 1], [1, 0, 1]]);
    assert.equal(labelComponents(planeWrap, shape, 6).count, 2);
    assert.equal(labelComponents(planeWrap, shape, 26).count, 2);
    const diagonalWrap = maskOf(shape, [[0, 2, 3], [1, 0, 0]]);
    assert.equal(labelComponents(diagonalWrap, shape, 26).count, 2);
  });

  it('empty, full, single-voxel and zero-size volumes', () => {
    const shape: Shape3 = [2, 3, 4];
    const empty = labelComponents(new Uint8Array(size(shape)), shape, 26);
    assert.equal(empty.count, 0);
    assert.ok(empty.labels.every((l) => l === 0));
    assert.equal(empty.labels.length, 24);

    const full = labelComponents(new Uint8Array(size(shape)).fill(1), shape, 6);
    assert.equal(full.count, 1);
    assert.ok(full.labels.every((l) => l === 1));

    const single = labelComponents(Uint8Array.of(1), [1, 1, 1], 6);
    assert.equal(single.count, 1);
    assert.deepEqual(Array.from(single.labels), [1]);
    assert.deepEqual(Array.from(componentSizes(single)), [0, 1]);

    const none = labelComponents(new Uint8Array(0), [0, 3, 3], 26);
    assert.equal(none.count, 0);
    assert.equal(none.labels.length, 0);
  });

  it('objects on every face and corner of the array are labelled (no out-of-range reads)', () => {
    const shape: Shape3 = [3, 4, 5];
    const corners: Array<[number, number, number]> = [];
    for (const i of [0, 2]) for (const j of [0, 3]) for (const k of [0, 4]) corners.push([i, j, k]);
    const mask = maskOf(shape, corners);
    const { labels, count } = labelComponents(mask, shape, 26);
    assert.equal(count, 8);
    // numbered in C order of the corners
    corners.forEach(([i, j, k], n) => assert.equal(labels[at(shape, i, j, k)], n + 1));
  });

  it('any nonzero value is foreground; the input is not modified', () => {
    const shape: Shape3 = [1, 2, 3];
    const mask = Float32Array.of(0, 7, 0.5, -3, 0, 0);
    const copy = Float32Array.from(mask);
    const { labels, count } = labelComponents(mask, shape, 6);
    assert.equal(count, 2);
    assert.deepEqual(Array.from(labels), [0, 1, 1, 2, 0, 0]);
    assert.deepEqual(mask, copy);
  });

  for (const c of SCIPY_CASES) {
    it(`matches scipy.ndimage.label on random volume ${c.name} (${c.shape.join('×')})`, () => {
      const mask = parseBits(c.mask);
      assert.equal(mask.length, size(c.shape));
      for (const connectivity of [6, 26] as const) {
        const labelling = labelComponents(mask, c.shape, connectivity);
        const expected = connectivity === 6 ? c : { count6: c.count26, labels6: c.labels26, sizes6: c.sizes26 };
        assert.equal(labelling.count, expected.count6, `count, ${connectivity}-connectivity`);
        assert.deepEqual(Array.from(labelling.labels), expected.labels6, `labels, ${connectivity}-connectivity`);
        assert.deepEqual(Array.from(componentSizes(labelling)), expected.sizes6, `sizes, ${connectivity}-connectivity`);
      }
    });
  }

  it('equals a brute-force flood fill (first-met numbering) on seeded random volumes', () => {
    const shapes: Shape3[] = [[7, 9, 11], [12, 5, 8], [1, 20, 30], [10, 10, 1]];
    let seed = 100;
    for (const shape of shapes) {
      for (const density of [0.2, 0.35, 0.5, 0.65]) {
        const mask = randomMask(shape, density, seed++);
        for (const connectivity of [6, 26] as const) {
          const expected = floodLabel(mask, shape, connectivity);
          const got = labelComponents(mask, shape, connectivity);
          assert.equal(got.count, expected.count, `${shape} ${density} ${connectivity}`);
          assert.deepEqual(got.labels, expected.labels, `${shape} ${density} ${connectivity}`);
          assert.deepEqual(Array.from(componentSizes(got)), expected.sizes);
        }
      }
    }
  });
});

describe('componentSizes', () => {
  it('counts voxels per label, background at index 0', () => {
    const shape: Shape3 = [1, 3, 7];
    const mask = parseBits('1010101 1000101 1111101');
    const sizes = componentSizes(labelComponents(mask, shape, 6));
    // U: left arm (0,0,0),(0,1,0), right arm (0,0,4),(0,1,4), base (0,2,0..4) = 9 voxels; dot 1; bar 3;
    // background 21 - 13 = 8
    assert.deepEqual(Array.from(sizes), [8, 9, 1, 3]);
    assert.ok(sizes instanceof Float64Array);
  });

  it('a labelling with no labels has only the background entry', () => {
    const sizes = componentSizes(labelComponents(new Uint8Array(8), [2, 2, 2], 6));
    assert.deepEqual(Array.from(sizes), [8]);
  });
});
