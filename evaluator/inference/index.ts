/**
 * Sliding-window inference with any patch model, as pure functions over typed arrays: planning, Gaussian
 * blending in bounded memory, normalisation, resampling, and the whole CT-to-mask pass.
 */
export { windowStarts, planSlidingWindow, patchStarts, type SlidingWindowPlan, type Triple } from './sliding-window.ts';
export { gaussianWeights, axisCoverage } from './gaussian-weights.ts';
export { intensityTransform, applyIntensity, type IntensitySpec, type IntensityTransform } from './intensity.ts';
export { patchSizeXyz, tensorDimsOf, spatialStrides, type TensorLayout } from './tensor-layout.ts';
export { extractPatch, foregroundProbabilities, type OutputSpec } from './patch-tensors.ts';
export { SlabBlender, FIXED_ONE } from './slab-blender.ts';
export { resampledSize, resampleLinear, resampleAtLeast } from './resample.ts';
export { segmentVolume, type SegmentOptions, type SegmentResult, type CtVolume, type PatchPredictor } from './segment-volume.ts';
export { InferenceError, type InferenceErrorCode } from './inference-error.ts';
