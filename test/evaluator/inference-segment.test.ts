import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  extractPatch,
  foregroundProbabilities,
  intensityTransform,
  resampleLinear,
  resampledSize,
  segmentVolume,
  type SegmentOptions,
  type TensorLayout,
} from '../../evaluator/inference/index.ts';

/** A 9x7x6 "CT" with a bright tube along z at x=4, y=3 (and a brighter voxel at its end). */
function tubeCt() {
  const size: [number, number, number] = [9, 7, 6];
  const data = new Int16Array(9 * 7 * 6).fill(-1000);
  for (let z = 0; z < 6; z++) data[4 + 9 * (3 + 7 * z)] = 200;
  return { size, spacing: [1, 1, 1] as [number, number, number], data };
}

/** A "model" that says probability = normalised intensity, whatever the layout (one channel in, one out). */
const identityModel = async (input: Float32Array) => Float32Array.from(input);

function options(layout: TensorLayout, patchSize: [number, number, number], overlap: number): SegmentOptions {
  return {
    layout,
    patchSize,
    overlap,
    channels: [{ window: [-1000, 200], normalisation: 'minmax' }],
    padValue: -1000,
    spacing: 'native',
    output: { type: 'probabilities', channels: 1, foregroundChannel: 0, threshold: 0.5 },
  };
}

describe('inference: intensity, patches and tensors', () => {
  it('minmax maps the window to [0, 1] and clips; zscore subtracts the mean and divides by std', () => {
    const t = intensityTransform({ window: [-1000, 200], normalisation: 'minmax' });
    assert.equal((-1000 - t.offset) * t.scale, 0);
    assert.equal((Math.min(500, t.hi) - t.offset) * t.scale, 1);
    const z = intensityTransform({ normalisation: 'zscore', mean: -500, std: 250 });
    assert.equal((0 - z.offset) * z.scale, 2);
    assert.throws(() => intensityTransform({ normalisation: 'minmax' }), /needs a window/);
  });

  it('cuts a patch in either layout, padding outside the volume with the pad value', () => {
    const ct = { size: [2, 2, 2] as const, data: Int16Array.from([0, 1, 2, 3, 4, 5, 6, 7]) };
    const none = [intensityTransform({ normalisation: 'none' })];
    // NCDHW: x fastest, as in the file; patch 3x2x2 from (1,0,0): x=2 is outside → pad
    assert.deepEqual([...extractPatch(ct, [1, 0, 0], [3, 2, 2], 'NCDHW', none, -9)], [1, -9, -9, 3, -9, -9, 5, -9, -9, 7, -9, -9]);
    // NCWHD: z fastest
    assert.deepEqual([...extractPatch(ct, [0, 0, 0], [2, 2, 2], 'NCWHD', none, -9)], [0, 4, 2, 6, 1, 5, 3, 7]);
  });

  it('reads the foreground channel with softmax over logits, and refuses NaN naming the model', () => {
    // 2 channels of a 2x1x1 patch: background logits [0, 0], foreground [0, ln 3]
    const p = foregroundProbabilities(Float32Array.from([0, 0, 0, Math.log(3)]), { type: 'logits', channels: 2, foregroundChannel: 1 }, [2, 1, 1], 'NCDHW');
    assert.ok(Math.abs(p[0] - 0.5) < 1e-6 && Math.abs(p[1] - 0.75) < 1e-6);
    assert.throws(
      () => foregroundProbabilities(Float32Array.from([0.2, NaN]), { type: 'probabilities', channels: 1, foregroundChannel: 0 }, [2, 1, 1], 'NCDHW'),
      (e: Error & { code?: string }) => e.code === 'MODEL_OUTPUT_NOT_FINITE' && /produced NaN at patch voxel \(1, 0, 0\)/.test(e.message),
    );
    assert.throws(
      () => foregroundProbabilities(new Float32Array(3), { type: 'probabilities', channels: 1, foregroundChannel: 0 }, [2, 1, 1], 'NCDHW'),
      (e: Error & { code?: string }) => e.code === 'MODEL_OUTPUT_SHAPE',
    );
  });
});

describe('inference: the whole pass', () => {
  for (const layout of ['NCDHW', 'NCWHD'] as const) {
    for (const [patch, overlap] of [[[4, 4, 4], 0.5], [[3, 5, 4], 0.25], [[16, 16, 16], 0]] as const) {
      it(`${layout}, patch ${patch.join('x')}, overlap ${overlap}: an identity model gives back exactly the bright tube`, async () => {
        const ct = tubeCt();
        const progress: number[] = [];
        const result = await segmentVolume(ct, options(layout, [...patch], overlap), identityModel, (done) => progress.push(done));
        const expected = Uint8Array.from(ct.data, (v) => (v > 0 ? 1 : 0));
        assert.deepEqual([...result.mask], [...expected]);
        assert.equal(result.foregroundVoxels, 6);
        assert.equal(progress.length, result.patches);
        assert.equal(progress.at(-1), result.patches);
      });
    }
  }

  it('resamples to the model spacing and back to the CT grid', async () => {
    const ct = tubeCt();
    const result = await segmentVolume(ct, { ...options('NCDHW', [4, 4, 4], 0.5), spacing: [0.5, 0.5, 0.5] }, identityModel);
    assert.deepEqual(result.modelGrid, [18, 14, 12]);
    assert.deepEqual([...result.mask], [...Uint8Array.from(ct.data, (v) => (v > 0 ? 1 : 0))]);
  });

  it('a model that emits NaN stops the pass with the model\'s fault', async () => {
    await assert.rejects(
      segmentVolume(tubeCt(), options('NCDHW', [4, 4, 4], 0), async (input) => new Float32Array(input.length).fill(NaN)),
      (e: Error & { code?: string }) => e.code === 'MODEL_OUTPUT_NOT_FINITE',
    );
  });

  it('linear resampling keeps a linear ramp linear and sizes follow the extent', () => {
    assert.deepEqual(resampledSize([10, 10, 4], [1, 1, 2.5], [2, 2, 2]), [5, 5, 5]);
    const ramp = Float32Array.from({ length: 4 }, (_, i) => i); // 4x1x1
    const up = resampleLinear(ramp, [4, 1, 1], [8, 1, 1]);
    // samples at (i + 0.5)/2 - 0.5: -0.25 (clamped to 0), 0.25, 0.75, ... 3.25 (clamped to 3)
    assert.deepEqual([...up], [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3]);
  });
});
