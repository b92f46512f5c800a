/**
 * Sandboxed child: one model on one CT. Reads the CT, opens the model (GPU if this host has one), runs the
 * sliding-window pass (evaluator/inference) with onnxruntime as the patch predictor, checking every output's
 * shape, and writes the mask as NIfTI on the CT's grid. Progress goes to the parent as patches done / total.
 */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { readVolume, writeVolume } from '../../../evaluator/index.ts';
import { InferenceError, segmentVolume, type Triple } from '../../../evaluator/index.ts';
import { segmentOptionsOf, type ModelManifest } from '../manifest.ts';
import { expectedInputDims, expectedOutputDims } from '../model-interface.ts';
import { serveOnce } from './child-side.ts';
import { firstLine, openSession } from './ort-session.ts';

export interface RunRequest {
  readonly modelPath: string;
  readonly manifest: ModelManifest;
  readonly ctPath: string;
  readonly ctFileName: string;
  readonly maskPath: string;
  readonly maxVoxels: number;
}

export interface RunReport {
  readonly patches: number;
  readonly foregroundVoxels: number;
  readonly provider: 'cuda' | 'cpu';
  readonly modelGrid: Triple;
  readonly inferenceMs: number;
}

const show = (dims: readonly number[]) => `[${dims.join(', ')}]`;

serveOnce<RunRequest, RunReport>(async (request, progress, { threads }) => {
  const ct = await readVolume(request.ctPath, { fileName: request.ctFileName, maxVoxels: request.maxVoxels });
  const { session, provider } = await openSession(await readFile(request.modelPath), { allowGpu: true, threads });
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const inputDims = expectedInputDims(request.manifest);
  const outputDims = expectedOutputDims(request.manifest);
  const predict = async (input: Float32Array): Promise<Float32Array> => {
    let output: ort.Tensor;
    try {
      output = (await session.run({ [inputName]: new ort.Tensor('float32', input, inputDims) }, [outputName]))[outputName];
    } catch (error) {
      throw new InferenceError('MODEL_RUNTIME_ERROR', `onnxruntime failed while running the model on a patch: ${firstLine(error)}`);
    }
    if (output.type !== 'float32' || output.dims.join() !== outputDims.join()) {
      throw new InferenceError('MODEL_OUTPUT_SHAPE', `the model returned a ${output.type} tensor ${show(output.dims)} for an input of ${show(inputDims)}; the manifest says float32 ${show(outputDims)}`);
    }
    return output.data as Float32Array;
  };
  const started = performance.now();
  const result = await segmentVolume(
    { size: ct.size, spacing: ct.spacing, data: ct.data as ArrayLike<number> },
    segmentOptionsOf(request.manifest),
    predict,
    progress,
  );
  const inferenceMs = Math.round(performance.now() - started);
  await session.release();
  await writeVolume(request.maskPath, { size: ct.size, spacing: ct.spacing, origin: ct.origin, direction: ct.direction, componentType: 'uint8', data: result.mask });
  return { patches: result.patches, foregroundVoxels: result.foregroundVoxels, provider, modelGrid: result.modelGrid, inferenceMs };
});
