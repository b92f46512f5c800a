/**
 * Model phases: the manifest a team sends beside its ONNX model, the phase's model rules, the accepted model
 * submission and its model runs.
 *
 * Manifest:
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
 * channels; the threshold applies to the blended probability of the foreground channel. Unknown keys are refused
 * (a typo would otherwise silently change nothing).
 */
import { z } from 'zod';
import { EvaluationStatus, Id, Instant } from './common.ts';
import { FailureCode } from './error-codes.ts';
import { ModelLimits } from './phases.ts';
import { Quota } from './submissions.ts';

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

export const ModelManifest = z
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
export type ModelManifest = z.output<typeof ModelManifest>;
export type ModelManifestInput = z.input<typeof ModelManifest>;

/** `GET /api/phases/:id/model-rules`: the phase's limits (maxBytes also capped by the server's upload limit). */
export const ModelRules = z.strictObject({
  limits: ModelLimits.extend({ validationTimeoutS: z.number() }),
  caps: z.strictObject({
    maxNodes: z.number().int(),
    maxTensorElements: z.number().int(),
    maxPatchVoxels: z.number().int(),
    opsets: z.strictObject({ min: z.number().int(), max: z.number().int(), domains: z.array(z.string()) }),
    externalData: z.boolean(),
  }),
  contract: z.string(),
  exampleManifest: z.input(ModelManifest),
});
export type ModelRules = z.infer<typeof ModelRules>;

export const Opset = z.strictObject({ domain: z.string(), version: z.number().int() });
export type Opset = z.infer<typeof Opset>;

/** 202 of a model submission: one model run per case is queued. */
export const AcceptedModel = z.strictObject({
  submission: z.strictObject({
    id: Id,
    status: z.literal('queued'),
    createdAt: Instant,
    kind: z.literal('model'),
    model: z.strictObject({ file: z.string(), sha256: z.string(), sizeBytes: z.number().int(), nodes: z.number().int(), parameters: z.number().int(), opsets: z.array(Opset) }),
    manifest: ModelManifest,
    cases: z.array(z.string()),
  }),
  quota: Quota,
});
export type AcceptedModel = z.infer<typeof AcceptedModel>;

export const ModelRun = z.strictObject({
  case: z.string(),
  status: EvaluationStatus,
  attempts: z.number().int(),
  patchesDone: z.number().int().nullable(),
  patchesTotal: z.number().int().nullable(),
  provider: z.string().nullable(),
  runMs: z.number().nullable(),
  peakMemoryMb: z.number().nullable(),
  error: z.strictObject({ code: FailureCode, message: z.string().nullable() }).nullable(),
});
export type ModelRun = z.infer<typeof ModelRun>;

export const SubmissionModel = z.strictObject({
  submissionId: Id,
  /** `structure`: what the ONNX inspection found (opsets, node and parameter counts, inputs, outputs). */
  model: z.strictObject({ file: z.string(), sha256: z.string(), structure: z.record(z.string(), z.unknown()) }),
  manifest: ModelManifest,
  runs: z.array(ModelRun),
});
export type SubmissionModel = z.infer<typeof SubmissionModel>;
