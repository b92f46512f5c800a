import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { axisCoverage, gaussianWeights, planSlidingWindow, patchStarts, windowStarts } from '../../evaluator/inference/index.ts';

describe('inference: sliding-window planning', () => {
  it('spreads the steps so the first patch starts at 0 and the last ends at the border (nnU-Net rule)', () => {
    // target step 2, ⌈6/2⌉+1 = 4 steps of exactly 2
    assert.deepEqual(windowStarts(10, 4, 0.5), [0, 2, 4, 6]);
    // ⌈7/2⌉+1 = 5 steps of 1.75, rounded: 0, 1.75, 3.5, 5.25, 7
    assert.deepEqual(windowStarts(11, 4, 0.5), [0, 2, 4, 5, 7]);
    // no overlap: step 4, but 3 steps are needed to reach 10, spread as 0, 3, 6
    assert.deepEqual(windowStarts(10, 4, 0), [0, 3, 6]);
    assert.deepEqual(windowStarts(8, 4, 0), [0, 4]);
  });

  it('gives an axis shorter than or equal to the patch a single patch at 0', () => {
    assert.deepEqual(windowStarts(3, 8, 0.5), [0]);
    assert.deepEqual(windowStarts(8, 8, 0.5), [0]);
  });

  it('refuses an overlap of 1 or more, which would never advance', () => {
    assert.throws(() => windowStarts(10, 4, 1), /overlap 1 must be in \[0, 1\)/);
  });

  it('visits patches z-start slowest, x fastest, and counts them', () => {
    const plan = planSlidingWindow([6, 4, 5], [4, 4, 4], 0.5);
    assert.deepEqual(plan.starts, [[0, 2], [0], [0, 1]]);
    assert.equal(plan.total, 4);
    assert.deepEqual([...patchStarts(plan)], [[0, 0, 0], [2, 0, 0], [0, 0, 1], [2, 0, 1]]);
  });
});

describe('inference: Gaussian weights', () => {
  it('peak 1 at the centre, symmetric, σ = patch/8', () => {
    const w = gaussianWeights(9);
    assert.equal(w[4], 1);
    for (let i = 0; i < 9; i++) assert.equal(w[i], w[8 - i]);
    // σ = 9/8: one voxel from the centre weighs exp(-1 / (2 σ²))
    assert.ok(Math.abs(w[5] - Math.exp(-1 / (2 * (9 / 8) ** 2))) < 1e-12);
  });

  it('coverage sums the weights of the patches over each position', () => {
    const w = Float64Array.from([0.5, 1, 0.5]);
    assert.deepEqual([...axisCoverage(5, [0, 2], w)], [0.5, 1, 1, 1, 0.5]);
    assert.deepEqual([...axisCoverage(2, [0], w)], [0.5, 1]);
  });
});
