/**
 * Upload validation of a model, never in the server process: the checks run in a sandboxed child
 * (sandbox/validate-model-child.ts) under the phase's memory limit and a time limit, at most two at once per
 * server. The team's problems come back as one 422 naming the problem; a platform fault as 503 (try again).
 */
import type { ModelSandboxSettings } from '../config.ts';
import { AppError } from '../errors.ts';
import type { ModelManifest } from './manifest.ts';
import type { ModelLimits } from './model-store.ts';
import { DEFAULT_INSPECT_LIMITS, type InspectLimits } from './onnx/onnx-inspect.ts';
import { runSandboxed } from './sandbox/run-sandboxed.ts';
import type { ValidateRequest, ValidationReport } from './sandbox/validate-model-child.ts';

const VALIDATE_SCRIPT = new URL('./sandbox/validate-model-child.ts', import.meta.url);
/** Loading a model and running one patch; a model slower than this on one patch has no place in a phase. */
export const VALIDATION_TIMEOUT_S = 120;
const CONCURRENT_VALIDATIONS = 2;
/** The model's name inside the sandbox. */
const MODEL_FILE = 'model.onnx';

export const INSPECT_LIMITS: InspectLimits = { ...DEFAULT_INSPECT_LIMITS, maxOpset: 25 };

let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENT_VALIDATIONS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export interface ModelValidation extends ValidationReport {
  readonly validationMs: number;
  readonly peakMemoryMb: number;
}

export async function validateModel(sandbox: ModelSandboxSettings, modelPath: string, fileName: string, manifest: ModelManifest, limits: ModelLimits): Promise<ModelValidation> {
  const outcome = await slot(() =>
    runSandboxed<ValidateRequest, ValidationReport>(
      VALIDATE_SCRIPT,
      sandbox,
      { inputs: { [MODEL_FILE]: modelPath } },
      (paths) => ({ modelPath: paths.inputs[MODEL_FILE], manifest, limits: INSPECT_LIMITS }),
      { timeoutMs: Math.min(VALIDATION_TIMEOUT_S, limits.timeLimitPerCaseS) * 1000, memoryMb: limits.memoryLimitPerCaseMb },
    ),
  );
  if (outcome.ok) return { ...outcome.result, validationMs: outcome.ms, peakMemoryMb: outcome.peakMemoryMb };
  const { failure } = outcome;
  if (failure.owner === 'platform') {
    throw new AppError('UNAVAILABLE', `the model could not be checked because of a platform fault (${failure.message}); try again shortly`);
  }
  const message = failure.code === 'MODEL_TIME_LIMIT' ? `loading the model and running it on one patch took longer than ${Math.min(VALIDATION_TIMEOUT_S, limits.timeLimitPerCaseS)} s` : failure.message;
  throw new AppError('VALIDATION_FAILED', `model "${fileName}" rejected: ${message}`, [{ file: fileName, code: failure.code, problem: message }]);
}
