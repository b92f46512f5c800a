/**
 * Centre-line length (kernels/centreline-length.ts): each unordered pair of 26-adjacent skeleton voxels is one
 * step of length √Σ(d·spacing)², counted once. Volumes small enough to count the steps by hand.
 */
import assert from 'node:assert/strict';
import { detectedLength, rankOf, skeletonSteps } from '../../evaluator/kernels/centreline-length.ts';
import type { Shape3 } from '../../evaluator/volume/shape.ts';

const SHAPE: Shape3 = [4, 4, 6];
const at = (i: number, j: number, k: number) => (i * SHAPE[1] + j) * SHAPE[2] + k;
const list = (...voxels: Array<[number, number, number]>) => Int32Array.from(voxels.map(([i, j, k]) => at(i, j, k)).sort((a, b) => a - b));

describe('centre-line length in mm', () => {
  it('a straight line of 5 voxels along k measures 4 steps of the k spacing', () => {
    const steps = skeletonSteps(list([1, 1, 0], [1, 1, 1], [1, 1, 2], [1, 1, 3], [1, 1, 4]), SHAPE, [1, 2, 3]);
    assert.equal(steps.length.length, 4);
    assert.equal(steps.total, 12);
  });

  it('a diagonal step has length √(s0² + s1² + s2²); a face diagonal √(s1² + s2²)', () => {
    assert.equal(skeletonSteps(list([0, 0, 0], [1, 1, 1]), SHAPE, [1, 2, 3]).total, Math.sqrt(14));
    assert.equal(skeletonSteps(list([2, 0, 0], [2, 1, 1]), SHAPE, [1, 2, 3]).total, Math.sqrt(13));
  });

  it('counts every adjacent pair once: an L of three voxels has three steps (3 + 2 + √13 mm)', () => {
    const steps = skeletonSteps(list([0, 0, 0], [0, 0, 1], [0, 1, 1]), SHAPE, [1, 2, 3]);
    assert.equal(steps.length.length, 3);
    assert.equal(steps.total, 3 + 2 + Math.sqrt(13));
  });

  it('isolated voxels and voxels two apart have no step; an empty skeleton measures 0', () => {
    assert.equal(skeletonSteps(list([0, 0, 0], [0, 0, 2], [3, 3, 5]), SHAPE, [1, 1, 1]).total, 0);
    assert.equal(skeletonSteps(new Int32Array(0), SHAPE, [1, 1, 1]).total, 0);
  });

  it('does not wrap around a row: (0,0,5) and (0,1,0) are not neighbours though their indices are adjacent', () => {
    assert.equal(at(0, 1, 0) - at(0, 0, 5), 1);
    assert.equal(skeletonSteps(list([0, 0, 5], [0, 1, 0]), SHAPE, [1, 1, 1]).total, 0);
  });

  it('the detected length counts the steps whose two ends are both flagged', () => {
    const indices = list([1, 1, 0], [1, 1, 1], [1, 1, 2], [1, 1, 3]);
    const steps = skeletonSteps(indices, SHAPE, [1, 1, 2.5]);
    const flags = new Uint8Array(4);
    flags[rankOf(indices, at(1, 1, 0))] = 1;
    flags[rankOf(indices, at(1, 1, 1))] = 1;
    flags[rankOf(indices, at(1, 1, 3))] = 1;
    assert.equal(detectedLength(steps, flags), 2.5);
    assert.equal(detectedLength(steps, new Uint8Array(4).fill(1)), 7.5);
  });
});
