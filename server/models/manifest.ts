/**
 * The model manifest: how Carina must feed a team's ONNX model and read its output. Sent as JSON beside the
 * `.onnx` file; its schema is the contract's (contract/models.ts). Unknown keys are refused (a typo would
 * otherwise silently change nothing).
 *
 * {
 *   "input": {
 *     "layout": "NCDHW",                 // or "NCWHD"; voxels in the CT file's own order either way
 *     "patchSize": [64, 64, 64],         // the input tensor's three spatial dimensions, in the layout's order
 *     "channels": [{ "window": [-1000, 0], "normalisation": "minmax" }],   // one entry per input channel
 *     "spacing": [2, 2, 2],              // mm along x, y, z the model works at, or "native"
 *     "padValue": -1024                  // HU where a patch sticks out of the CT (default -1024)
 *   },
 *   "overlap": 0.5,                      // fraction of a patch shared with its neighbour, 0 to 0.9
 *   "output": { "type": "logits", "channels": 1, "foregroundChannel": 0, "threshold": 0.5 }
 * }
 * Normalisation: "none" (HU), "minmax" (window → [0, 1]), "zscore" (needs mean and std; window optional).
 * Output: "probabilities" are read as they are; "logits" go through a sigmoid (one channel) or a softmax over the
 * channels; the threshold applies to the blended probability of the foreground channel.
 */
import { MAX_PATCH_VOXELS, ModelManifest as manifestSchema, type ModelManifest, type ModelManifestInput } from '../../contract/models.ts';
import type { SegmentOptions } from '../../evaluator/index.ts';

export { MAX_PATCH_SIDE } from '../../contract/models.ts';
export { manifestSchema, MAX_PATCH_VOXELS, type ModelManifest, type ModelManifestInput };

/** Parses manifest text; on failure, every problem as "path: message". */
export function parseManifest(text: string): { manifest: ModelManifest } | { problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problems: [`the manifest is not valid JSON (${error instanceof Error ? error.message : String(error)})`] };
  }
  const parsed = manifestSchema.safeParse(json);
  if (parsed.success) return { manifest: parsed.data };
  return {
    problems: parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'manifest'}: ${issue.message}`),
  };
}

/** The manifest as the inference pass takes it. */
export function segmentOptionsOf(m: ModelManifest): SegmentOptions {
  return {
    layout: m.input.layout,
    patchSize: m.input.patchSize,
    overlap: m.overlap,
    channels: m.input.channels,
    padValue: m.input.padValue,
    spacing: m.input.spacing,
    output: m.output,
  };
}
