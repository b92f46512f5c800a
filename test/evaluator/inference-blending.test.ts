import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { FIXED_ONE, gaussianWeights, patchStarts, planSlidingWindow, SlabBlender } from '../../evaluator/inference/index.ts';

function collect(size: [number, number, number]) {
  const out = new Float64Array(size[0] * size[1] * size[2]);
  const order: number[] = [];
  const sink = (z: number, plane: Uint16Array) => {
    order.push(z);
    for (let v = 0; v < plane.length; v++) out[z * plane.length + v] = plane[v] / FIXED_ONE;
  };
  return { out, order, sink };
}

describe('inference: slab blender', () => {
  it('a constant prediction blends to the same constant everywhere, planes handed over once, in order', () => {
    const size: [number, number, number] = [7, 5, 9];
    const plan = planSlidingWindow(size, [4, 4, 4], 0.5);
    const { out, order, sink } = collect(size);
    const blender = new SlabBlender(plan, sink);
    for (const start of patchStarts(plan)) blender.add(start, new Float32Array(64).fill(0.3));
    blender.finish();
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const v of out) assert.ok(Math.abs(v - 0.3) < 4 / FIXED_ONE, `blended ${v}`);
  });

  it('two overlapping patches mix by their Gaussian weights (worked by hand along x)', () => {
    // volume 6x1x1, patch 4x1x1, starts 0 and 2: x = 2, 3 are seen by both
    const plan = planSlidingWindow([6, 1, 1], [4, 1, 1], 0.5);
    assert.deepEqual(plan.starts[0], [0, 2]);
    const { out, sink } = collect([6, 1, 1]);
    const blender = new SlabBlender(plan, sink);
    blender.add([0, 0, 0], Float32Array.from([1, 1, 1, 1]));
    blender.add([2, 0, 0], Float32Array.from([0, 0, 0, 0]));
    blender.finish();
    const w = gaussianWeights(4); // [a, b, b, a]
    const expected2 = w[2] / (w[2] + w[0]);
    assert.ok(Math.abs(out[0] - 1) < 1e-4 && Math.abs(out[1] - 1) < 1e-4);
    assert.ok(Math.abs(out[2] - expected2) < 1e-4, `x=2: ${out[2]} vs ${expected2}`);
    assert.ok(Math.abs(out[3] - w[3] / (w[3] + w[1])) < 1e-4);
    assert.ok(out[4] < 1e-4 && out[5] < 1e-4);
  });

  it('hands over the planes below a patch as soon as it starts, keeping only a patch-deep ring', () => {
    const plan = planSlidingWindow([2, 2, 10], [2, 2, 4], 0);
    assert.deepEqual(plan.starts[2], [0, 3, 6]);
    const seen: number[] = [];
    const blender = new SlabBlender(plan, (z) => seen.push(z));
    blender.add([0, 0, 0], new Float32Array(16));
    assert.deepEqual(seen, []);
    blender.add([0, 0, 3], new Float32Array(16));
    assert.deepEqual(seen, [0, 1, 2]);
    assert.throws(() => blender.add([0, 0, 0], new Float32Array(16)), /z-start ascending/);
  });
});
