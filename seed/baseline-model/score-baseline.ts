/**
 * How well the baseline does on phantoms it was not fitted on: each phantom's CT through the same sliding-window
 * pass the platform runs (in-process here, no sandbox), scored by the evaluator against the phantom's label with
 * the ATM'22 metrics (largest component of the prediction, as for any submission).
 */
import * as ort from 'onnxruntime-node';
import { prepareGold, scorePrediction } from '../../evaluator/index.ts';
import { segmentVolume, type Triple } from '../../evaluator/inference/index.ts';
import { manifestSchema, segmentOptionsOf } from '../../server/platform-api.ts';
import { generatePhantom } from '../phantom/generate-phantom.ts';
import { phantomOptions } from '../phantom/phantom-options.ts';
import type { BaselineModel } from './build-baseline.ts';

export interface ScoredPhantom {
  readonly seed: number;
  readonly size: Triple;
  readonly spacing: number;
  readonly patches: number;
  readonly inferenceMs: number;
  readonly TD: number;
  readonly BD: number;
  readonly DSC: number;
  readonly Precision: number;
}

export const HELD_OUT_PHANTOMS: ReadonlyArray<{ seed: number; size: Triple; spacing: number }> = [
  { seed: 1, size: [160, 160, 128], spacing: 1.8 },
  { seed: 2, size: [96, 96, 80], spacing: 3 },
  { seed: 3, size: [192, 192, 160], spacing: 1.5 },
];

export async function scoreBaseline(model: BaselineModel, phantoms = HELD_OUT_PHANTOMS): Promise<ScoredPhantom[]> {
  const session = await ort.InferenceSession.create(model.onnx);
  const manifest = manifestSchema.parse(model.manifest);
  const dims = [1, manifest.input.channels.length, ...manifest.input.patchSize];
  const [inputName, outputName] = [session.inputNames[0], session.outputNames[0]];
  const scored: ScoredPhantom[] = [];
  for (const p of phantoms) {
    const spacing: Triple = [p.spacing, p.spacing, p.spacing];
    const phantom = generatePhantom(phantomOptions({ seed: p.seed, size: [...p.size], spacing: [...spacing] }));
    const started = performance.now();
    const result = await segmentVolume({ size: p.size, spacing, data: phantom.ct }, segmentOptionsOf(manifest), async (input) => {
      const out = await session.run({ [inputName]: new ort.Tensor('float32', input, dims) }, [outputName]);
      return out[outputName].data as Float32Array;
    });
    const inferenceMs = Math.round(performance.now() - started);
    const geometry = { ...phantom.geometry, componentType: 'uint8' as const };
    const gold = await prepareGold({ ...geometry, data: phantom.label });
    const score = await scorePrediction(gold, { ...geometry, data: result.mask });
    scored.push({ ...p, patches: result.patches, inferenceMs, TD: score.TD, BD: score.BD, DSC: score.DSC, Precision: score.Precision });
  }
  await session.release();
  return scored;
}
