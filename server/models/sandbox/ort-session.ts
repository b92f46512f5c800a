/**
 * Opening a model in onnxruntime inside a sandboxed child: CUDA first when this onnxruntime build has it (a
 * GPU host installs the CUDA provider), the CPU otherwise; the memory arena stays on (patches are all one size).
 * Load failures are the model's (onnxruntime's message is passed on).
 */
import * as ort from 'onnxruntime-node';
import { TeamModelError } from './child-side.ts';

export interface OpenSession {
  readonly session: ort.InferenceSession;
  readonly provider: 'cuda' | 'cpu';
}

function cudaListed(): boolean {
  try {
    return ort.listSupportedBackends().some((b) => b.name === 'cuda');
  } catch {
    return false;
  }
}

export async function openSession(model: Uint8Array, options: { allowGpu: boolean; threads: number }): Promise<OpenSession> {
  const common: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: Math.max(1, options.threads),
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  };
  if (options.allowGpu && cudaListed()) {
    try {
      return { session: await ort.InferenceSession.create(model, { ...common, executionProviders: ['cuda', 'cpu'] }), provider: 'cuda' };
    } catch {
      // no usable GPU or CUDA libraries on this host: the CPU below
    }
  }
  try {
    return { session: await ort.InferenceSession.create(model, { ...common, executionProviders: ['cpu'] }), provider: 'cpu' };
  } catch (error) {
    throw new TeamModelError('MODEL_LOAD_FAILED', `onnxruntime ${ort.env.versions.common} cannot load the model: ${firstLine(error)}`);
  }
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 500);
}
