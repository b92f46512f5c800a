/** How the baseline model is fed and read (server/models/manifest.ts), shared by the builder and its training. */
import type { ModelManifestInput } from '../../server/platform-api.ts';

export const BASELINE_SPACING: [number, number, number] = [2, 2, 2];
export const BASELINE_INTENSITY = { window: [-1000, 0] as [number, number], normalisation: 'minmax' as const };

export const BASELINE_MANIFEST = {
  description: 'Carina baseline: fixed 3D feature layers + a per-voxel perceptron fitted on phantoms (seed/baseline-model)',
  input: {
    layout: 'NCDHW',
    patchSize: [64, 64, 64],
    channels: [BASELINE_INTENSITY],
    spacing: BASELINE_SPACING,
    padValue: -1024,
  },
  overlap: 0.25,
  output: { type: 'logits', channels: 1, foregroundChannel: 0, threshold: 0.5 },
} satisfies ModelManifestInput;
