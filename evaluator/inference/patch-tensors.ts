/**
 * Between a volume and a model's tensors: cut a patch out of the CT into the input tensor (normalised per channel,
 * padded where the patch sticks out of the volume), and read the foreground probability of each voxel of a patch
 * back out of the output tensor (sigmoid or softmax first when the model emits logits). The probabilities come out
 * in patch file order (x fastest), whatever the layout.
 */
import { applyIntensity, type IntensityTransform } from './intensity.ts';
import { InferenceError } from './inference-error.ts';
import { spatialStrides, type TensorLayout } from './tensor-layout.ts';
import type { Triple } from './sliding-window.ts';

export interface VolumeData {
  readonly size: Triple;
  /** Voxel values in file order (x fastest). */
  readonly data: ArrayLike<number>;
}

export function extractPatch(
  volume: VolumeData,
  start: Triple,
  patch: Triple,
  layout: TensorLayout,
  channels: readonly IntensityTransform[],
  padValue: number,
  out: Float32Array = new Float32Array(channels.length * patch[0] * patch[1] * patch[2]),
): Float32Array {
  const [nx, ny, nz] = volume.size;
  const [px, py, pz] = patch;
  const [sx, sy, sz] = spatialStrides(layout, patch);
  const perChannel = px * py * pz;
  const data = volume.data;
  for (let c = 0; c < channels.length; c++) {
    const t = channels[c];
    const pad = applyIntensity(t, padValue);
    const base = c * perChannel;
    for (let k = 0; k < pz; k++) {
      const z = start[2] + k;
      for (let j = 0; j < py; j++) {
        const y = start[1] + j;
        const rowInside = z < nz && y < ny;
        const row = rowInside ? nx * (y + ny * z) : 0;
        let o = base + j * sy + k * sz;
        for (let i = 0; i < px; i++, o += sx) {
          const x = start[0] + i;
          out[o] = rowInside && x < nx ? applyIntensity(t, data[row + x]) : pad;
        }
      }
    }
  }
  return out;
}

export interface OutputSpec {
  readonly type: 'probabilities' | 'logits';
  readonly channels: number;
  readonly foregroundChannel: number;
}

/** The foreground probability per patch voxel (x fastest); a non-finite output value is the model's fault. */
export function foregroundProbabilities(
  output: Float32Array,
  spec: OutputSpec,
  patch: Triple,
  layout: TensorLayout,
  out: Float32Array = new Float32Array(patch[0] * patch[1] * patch[2]),
): Float32Array {
  const [px, py, pz] = patch;
  const perChannel = px * py * pz;
  if (output.length !== spec.channels * perChannel) {
    throw new InferenceError('MODEL_OUTPUT_SHAPE', `the model's output has ${output.length} values; ${spec.channels} channel(s) of ${px}x${py}x${pz} voxels need ${spec.channels * perChannel}`);
  }
  const [sx, sy, sz] = spatialStrides(layout, patch);
  const fg = spec.foregroundChannel * perChannel;
  for (let k = 0, v = 0; k < pz; k++) {
    for (let j = 0; j < py; j++) {
      for (let i = 0; i < px; i++, v++) {
        const t = i * sx + j * sy + k * sz;
        let p: number;
        const value = output[fg + t];
        if (spec.type === 'probabilities') p = value < 0 ? 0 : value > 1 ? 1 : value;
        else if (spec.channels === 1) p = 1 / (1 + Math.exp(-value));
        else {
          let max = -Infinity;
          for (let c = 0; c < spec.channels; c++) max = Math.max(max, output[c * perChannel + t]);
          let sum = 0;
          for (let c = 0; c < spec.channels; c++) sum += Math.exp(output[c * perChannel + t] - max);
          p = Math.exp(value - max) / sum;
        }
        if (!Number.isFinite(value) || Number.isNaN(p)) {
          throw new InferenceError('MODEL_OUTPUT_NOT_FINITE', `the model produced ${value} at patch voxel (${i}, ${j}, ${k}) of channel ${spec.foregroundChannel}: its output must be finite numbers`);
        }
        out[v] = p;
      }
    }
  }
  return out;
}
