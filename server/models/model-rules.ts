/** What a team needs to know before exporting a model for a phase: its limits, the caps, an example manifest. */
import { MAX_PATCH_VOXELS } from './manifest.ts';
import type { ModelRules } from '../../contract/models.ts';
import type { ModelLimits } from './model-store.ts';
import { KNOWN_DOMAINS, MIN_OPSET } from './onnx/onnx-inspect.ts';
import { INSPECT_LIMITS, VALIDATION_TIMEOUT_S } from './validate-model.ts';

export function modelRules(limits: ModelLimits, uploadLimitBytes: number): ModelRules {
  return {
    limits: {
      maxBytes: uploadLimitBytes,
      timeLimitPerCaseS: limits.timeLimitPerCaseS,
      memoryLimitPerCaseMb: limits.memoryLimitPerCaseMb,
      validationTimeoutS: Math.min(VALIDATION_TIMEOUT_S, limits.timeLimitPerCaseS),
    },
    caps: {
      maxNodes: INSPECT_LIMITS.maxNodes,
      maxTensorElements: INSPECT_LIMITS.maxTensorElements,
      maxPatchVoxels: MAX_PATCH_VOXELS,
      opsets: { min: MIN_OPSET, max: INSPECT_LIMITS.maxOpset, domains: KNOWN_DOMAINS.map((d) => d || 'ai.onnx') },
      externalData: false,
    },
    contract:
      'Carina feeds one float32 input [1, channels, ...patchSize] and reads the first output, float32 [1, output.channels, ...patchSize], ' +
      'patch by patch over the CT (sliding window with Gaussian blending), in the CT file\'s voxel order (layout NCDHW: z, y, x; NCWHD: x, y, z).',
    exampleManifest: {
      input: { layout: 'NCDHW', patchSize: [96, 96, 96], channels: [{ window: [-1000, 500], normalisation: 'minmax' }], spacing: [1, 1, 1], padValue: -1024 },
      overlap: 0.5,
      output: { type: 'logits', channels: 2, foregroundChannel: 1, threshold: 0.5 },
    },
  };
}
