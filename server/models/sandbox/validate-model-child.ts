/**
 * Sandboxed child: is this upload a model Carina can run as its manifest says? Reads the file's structure within
 * the caps (onnx-inspect.ts), checks the declared interface against the manifest (model-interface.ts), opens it in
 * onnxruntime, and runs it once on a patch of air: the output must have the manifest's shape and be finite.
 */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { applyIntensity, intensityTransform } from '../../../evaluator/index.ts';
import type { ModelManifest } from '../manifest.ts';
import { expectedInputDims, expectedOutputDims, interfaceProblems } from '../model-interface.ts';
import { inspectOnnx, type InspectLimits, type OnnxSummary } from '../onnx/onnx-inspect.ts';
import { serveOnce, TeamModelError } from './child-side.ts';
import { firstLine, openSession } from './ort-session.ts';

export interface ValidateRequest {
  readonly modelPath: string;
  readonly manifest: ModelManifest;
  readonly limits: InspectLimits;
}

export interface ValidationReport {
  readonly structure: OnnxSummary;
  readonly inputName: string;
  readonly outputName: string;
  readonly onnxruntime: string;
  /** Time of the one validation patch on the CPU. */
  readonly patchMs: number;
}

const show = (dims: readonly number[]) => `[${dims.join(', ')}]`;

serveOnce<ValidateRequest, ValidationReport>(async ({ modelPath, manifest, limits }, _progress, { threads }) => {
  const bytes = await readFile(modelPath);
  const structure = inspectOnnx(bytes, limits);
  const problems = interfaceProblems(structure, manifest);
  if (problems.length > 0) throw new TeamModelError(problems[0].code, problems.map((p) => p.message).join('; '));
  const { session } = await openSession(bytes, { allowGpu: false, threads });
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const inputDims = expectedInputDims(manifest);
  const voxels = inputDims[2] * inputDims[3] * inputDims[4];
  const input = new Float32Array(inputDims[1] * voxels);
  manifest.input.channels.forEach((c, i) => input.fill(applyIntensity(intensityTransform(c), manifest.input.padValue), i * voxels, (i + 1) * voxels));
  const started = performance.now();
  let output: ort.Tensor;
  try {
    output = (await session.run({ [inputName]: new ort.Tensor('float32', input, inputDims) }, [outputName]))[outputName];
  } catch (error) {
    throw new TeamModelError('MODEL_RUNTIME_ERROR', `onnxruntime could not run the model on an input of ${show(inputDims)}: ${firstLine(error)}`);
  }
  const patchMs = Math.round(performance.now() - started);
  const outputDims = expectedOutputDims(manifest);
  if (output.type !== 'float32') throw new TeamModelError('WRONG_OUTPUT_TYPE', `the model's output "${outputName}" is ${output.type}; Carina reads float32`);
  if (output.dims.join() !== outputDims.join()) {
    throw new TeamModelError('WRONG_OUTPUT_SHAPE', `for an input of ${show(inputDims)} the model returned ${show(output.dims)}; the manifest (output.channels ${manifest.output.channels}, input.patchSize) makes it ${show(outputDims)}`);
  }
  const data = output.data as Float32Array;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new TeamModelError('MODEL_OUTPUT_NOT_FINITE', `the model returned ${data[i]} on a patch of air (${manifest.input.padValue} HU): its output must be finite numbers`);
  }
  await session.release();
  return { structure, inputName, outputName, onnxruntime: ort.env.versions.common ?? '', patchMs };
});
