/**
 * The baseline model Carina ships with its seed: the ONNX bytes (fixed feature layers + the fitted head from
 * baseline-head.json) and its manifest. What it is, honestly: a 7-feature, 8-hidden-unit per-voxel classifier over
 * hand-set 3D filters (local means, local min and max, a coarse "how much air is around" context), fitted to
 * simulated phantoms only. It finds the trachea and the larger bronchi of the phantoms and of a real CT's clear
 * airways; it is a reference point and an end-to-end test of model phases, not a competitive model.
 */
import { BASELINE_MANIFEST } from './baseline-manifest.ts';
import { readHeadFile } from './baseline-head-file.ts';
import { baselineModel } from './baseline-model.ts';
import { fitHead } from './fit-head.ts';
import { trainingSamples, TRAINING_PHANTOMS } from './training-data.ts';

export const BASELINE_FILE_NAME = 'carina-baseline-airways.onnx';

export interface BaselineModel {
  readonly onnx: Uint8Array;
  readonly manifest: typeof BASELINE_MANIFEST;
  readonly fileName: string;
}

const DESCRIPTION =
  'Carina baseline airway model: fixed 3D filters (means, min, max, air-context branch at 4x4x4 blocks) and a ' +
  '7-8-1 per-voxel perceptron fitted on Carina phantoms (seed/baseline-model). Input: CT resampled to 2 mm, HU ' +
  'window [-1000, 0] -> [0, 1], patches 64^3 NCDHW. Output: airway logits.';

/** The shipped baseline, from the committed head weights. */
export function buildBaselineModel(): BaselineModel {
  const { head } = readHeadFile();
  return { onnx: baselineModel(head, DESCRIPTION), manifest: BASELINE_MANIFEST, fileName: BASELINE_FILE_NAME };
}

/** Fits the head again from freshly generated phantoms (deterministic; a few seconds). */
export async function fitBaselineHead() {
  const samples = await trainingSamples();
  const fit = fitHead(samples);
  const phantoms = TRAINING_PHANTOMS.map((p) => `seed ${p.seed} ${p.size.join('x')} at ${p.spacing} mm`).join('; ');
  return { ...fit, samples: samples.count, fittedWith: `${samples.count} voxels of phantoms: ${phantoms}` };
}
