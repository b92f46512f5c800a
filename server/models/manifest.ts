/**
 * The model manifest: how Carina must feed a team's ONNX model and read its output. Sent as JSON beside the
 * `.onnx` file. Unknown keys are refused (a typo would otherwise silently change nothing).
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
import { z } from 'zod';
import type { SegmentOptions } from '../../evaluator/index.ts';

const positiveInt = (max: number) => z.number().int().min(1).max(max);

const intensity = z
  .object({
    window: z.tuple([z.number(), z.number()]).optional(),
    normalisation: z.enum(['none', 'minmax', 'zscore']),
    mean: z.number().optional(),
    std: z.number().positive().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.window && !(c.window[1] > c.window[0])) ctx.addIssue({ code: 'custom', message: 'window must be [low, high] with low < high', path: ['window'] });
    if (c.normalisation === 'minmax' && !c.window) ctx.addIssue({ code: 'custom', message: 'minmax normalisation needs a window [low, high]', path: ['window'] });
    if (c.normalisation === 'zscore' && (c.mean === undefined || c.std === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'zscore normalisation needs mean and std', path: ['normalisation'] });
    }
  });

export const MAX_PATCH_SIDE = 512;
export const MAX_PATCH_VOXELS = 256 * 256 * 256;

export const manifestSchema = z
  .object({
    description: z.string().max(500).optional(),
    input: z
      .object({
        layout: z.enum(['NCDHW', 'NCWHD']).default('NCDHW'),
        patchSize: z.tuple([positiveInt(MAX_PATCH_SIDE), positiveInt(MAX_PATCH_SIDE), positiveInt(MAX_PATCH_SIDE)]),
        channels: z.array(intensity).min(1).max(8),
        spacing: z.union([z.literal('native'), z.tuple([z.number().min(0.1).max(10), z.number().min(0.1).max(10), z.number().min(0.1).max(10)])]),
        padValue: z.number().default(-1024),
      })
      .strict(),
    overlap: z.number().min(0).max(0.9).default(0.5),
    output: z
      .object({
        type: z.enum(['probabilities', 'logits']),
        channels: positiveInt(64),
        foregroundChannel: z.number().int().min(0),
        threshold: z.number().gt(0).lt(1).default(0.5),
      })
      .strict(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const [a, b, c] = m.input.patchSize;
    if (a * b * c > MAX_PATCH_VOXELS) {
      ctx.addIssue({ code: 'custom', message: `a patch of ${a}x${b}x${c} voxels is larger than the limit of ${MAX_PATCH_VOXELS} (256³)`, path: ['input', 'patchSize'] });
    }
    if (m.output.foregroundChannel >= m.output.channels) {
      ctx.addIssue({ code: 'custom', message: `foregroundChannel ${m.output.foregroundChannel} does not exist in an output of ${m.output.channels} channel(s) (they count from 0)`, path: ['output', 'foregroundChannel'] });
    }
  });

export type ModelManifest = z.output<typeof manifestSchema>;
export type ModelManifestInput = z.input<typeof manifestSchema>;

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
