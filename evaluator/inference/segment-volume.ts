/**
 * A CT to a binary mask with any patch model, in order: (1) resample to the model's spacing if it asks for one;
 * (2) plan the sliding window; (3) for each patch: cut and normalise it, run the model, read the foreground
 * probability, blend it in (slab-blender.ts); (4) threshold each finished plane — straight into the mask on the
 * native grid, or into a 16-bit probability volume on the model's grid that is resampled back to the CT's grid
 * and thresholded there. The model itself is a function handed in (`predict`), so this file knows nothing of
 * onnxruntime and its tests use plain functions.
 *
 * Memory besides the CT: the mask (1 byte per CT voxel), the blender's ring (2 bytes × patch depth planes), one
 * input and one output tensor, and with resampling the resampled CT (4 bytes per model voxel) and its probability
 * volume (2 bytes per model voxel).
 */
import { intensityTransform, type IntensitySpec } from './intensity.ts';
import { InferenceError } from './inference-error.ts';
import { extractPatch, foregroundProbabilities, type OutputSpec } from './patch-tensors.ts';
import { resampleAtLeast, resampledSize, resampleLinear } from './resample.ts';
import { FIXED_ONE, SlabBlender } from './slab-blender.ts';
import { patchStarts, planSlidingWindow, type Triple } from './sliding-window.ts';
import { patchSizeXyz, type TensorLayout } from './tensor-layout.ts';

export interface SegmentOptions {
  readonly layout: TensorLayout;
  /** The input tensor's three spatial dimensions, in the layout's order. */
  readonly patchSize: Triple;
  readonly overlap: number;
  /** One per input channel. */
  readonly channels: readonly IntensitySpec[];
  /** HU given to the part of a patch outside the CT. */
  readonly padValue: number;
  /** Voxel size (x, y, z, mm) the model works at, or the CT's own. */
  readonly spacing: Triple | 'native';
  readonly output: OutputSpec & { readonly threshold: number };
}

export interface CtVolume {
  readonly size: Triple;
  readonly spacing: Triple;
  readonly data: ArrayLike<number>;
}

/** Runs the model on one input tensor (channels × patch in the layout's order); resolves to its output values. */
export type PatchPredictor = (input: Float32Array) => Promise<Float32Array>;

export interface SegmentResult {
  /** 1 = foreground, file order, on the CT's grid. */
  readonly mask: Uint8Array;
  readonly patches: number;
  /** The grid the model ran on. */
  readonly modelGrid: Triple;
  readonly foregroundVoxels: number;
}

export async function segmentVolume(
  ct: CtVolume,
  options: SegmentOptions,
  predict: PatchPredictor,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<SegmentResult> {
  const resampling = options.spacing !== 'native' && options.spacing.some((s, a) => Math.abs(s - ct.spacing[a]) > 1e-6 * s);
  const grid = resampling ? resampledSize(ct.size, ct.spacing, options.spacing as Triple) : ct.size;
  const source = resampling ? { size: grid, data: resampleLinear(ct.data, ct.size, grid) } : { size: grid, data: ct.data };
  const patch = patchSizeXyz(options.layout, options.patchSize);
  const plan = planSlidingWindow(grid, patch, options.overlap);
  const transforms = options.channels.map(intensityTransform);
  const level = Math.max(1, Math.ceil(options.output.threshold * FIXED_ONE));
  const planeSize = grid[0] * grid[1];
  const mask = resampling ? undefined : new Uint8Array(planeSize * grid[2]);
  const probability = resampling ? new Uint16Array(planeSize * grid[2]) : undefined;
  const blender = new SlabBlender(plan, (z, plane) => {
    if (probability) probability.set(plane, z * planeSize);
    else for (let v = 0, o = z * planeSize; v < planeSize; v++, o++) mask![o] = plane[v] >= level ? 1 : 0;
  });
  const input = new Float32Array(transforms.length * patch[0] * patch[1] * patch[2]);
  const foreground = new Float32Array(patch[0] * patch[1] * patch[2]);
  let done = 0;
  for (const start of patchStarts(plan)) {
    extractPatch(source, start, patch, options.layout, transforms, options.padValue, input);
    const output = await predict(input);
    if (!(output instanceof Float32Array)) throw new InferenceError('MODEL_OUTPUT_SHAPE', 'the model must output float32 values');
    foregroundProbabilities(output, options.output, patch, options.layout, foreground);
    blender.add(start, foreground);
    onProgress(++done, plan.total);
  }
  blender.finish();
  const result = probability ? resampleAtLeast(probability, grid, ct.size, level) : mask!;
  let foregroundVoxels = 0;
  for (let v = 0; v < result.length; v++) foregroundVoxels += result[v];
  return { mask: result, patches: plan.total, modelGrid: grid, foregroundVoxels };
}
