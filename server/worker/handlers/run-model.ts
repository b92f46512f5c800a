/**
 * The `run-model` job: one submission's model on one hidden case, in a sandboxed child (server/models/sandbox/),
 * within the phase's time and memory limits per case. On success the mask is stored content-addressed, recorded as
 * the case's submission file, and the case's `evaluate-case` job is enqueued in the same transaction — from there
 * on it is scored exactly like an uploaded mask (the evaluate job reads `submission_files`, so it may only exist
 * once the mask does). A model that breaks a limit, emits NaN or the wrong shape fails that case only, as the
 * team's fault, with the reason; a platform fault is retried like scoring, then fails as the platform's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { logEvent } from '../../../evaluator/index.ts';
import type { AppDeps } from '../../app-deps.ts';
import { inTransaction } from '../../db/pool.ts';
import type { RunReport, RunRequest } from '../../models/sandbox/run-model-child.ts';
import { runSandboxed, type SandboxPaths } from '../../models/sandbox/run-sandboxed.ts';
import { insertBlobs } from '../../submissions/store.ts';
import { enqueueEvaluations } from '../../jobs/enqueue.ts';
import type { JobContext } from '../../jobs/job-queue.ts';
import { loadModelRun, type ModelRunJobRow } from '../job-rows.ts';
import { failEvaluation, failModelRun, finishModelRun, reportInferenceProgress, retryModelRun, startModelRun } from '../../jobs/status-writer.ts';
import { WORKER_ID } from '../worker-deps.ts';

const RUN_SCRIPT = new URL('../../models/sandbox/run-model-child.ts', import.meta.url);
const PROGRESS_EVERY_MS = 1000;
const MODEL_FILE = 'model.onnx';
/** A CT's format is told by its name's extension (the stored blob has none). */
const IMAGE_EXTENSION = /(\.nii\.gz|\.nii|\.nrrd|\.nhdr|\.mha|\.mhd)$/i;

class RetryLater extends Error {}

const evaluationOf = (run: ModelRunJobRow) => ({ id: run.evaluation_id, submission_id: run.submission_id, run_id: run.run_id });

async function failCase(deps: AppDeps, run: ModelRunJobRow, owner: 'team' | 'platform', code: string, message: string, measured: { peakMemoryMb?: number; runMs?: number } = {}) {
  await inTransaction(deps.db, async (client) => {
    await failModelRun(client, run, { code, message, ...measured });
    await failEvaluation(client, evaluationOf(run), owner, code, `case ${run.case_name}: ${message}`);
  });
  logEvent('warn', 'model run failed', { modelRunId: run.id, case: run.case_name, owner, code });
}

async function platformFault(deps: AppDeps, run: ModelRunJobRow, context: JobContext, detail: string, code: 'PLATFORM_ERROR' | 'SANDBOX_UNAVAILABLE' = 'PLATFORM_ERROR'): Promise<void> {
  const message = `platform error while running the model on case ${run.case_name}: ${detail}`;
  logEvent('error', 'model run platform error', { modelRunId: run.id, attempt: context.retryCount + 1, message });
  if (context.retryCount < context.retryLimit) {
    await retryModelRun(deps.db, run, message);
    throw new RetryLater(message);
  }
  await failCase(deps, run, 'platform', code, `${message} (gave up after ${context.retryCount + 1} attempts; this does not count toward your quota)`);
}

export async function runModelJob(deps: AppDeps, modelRunId: number, context: JobContext): Promise<void> {
  const run = await loadModelRun(deps.db, modelRunId);
  if (!run || run.status === 'done' || run.status === 'failed' || run.has_mask) return;
  if (run.evaluation_status === 'done' || run.evaluation_status === 'failed') return;
  await startModelRun(deps.db, run, WORKER_ID);
  const scratch = await mkdtemp(join(deps.storage.scratchDir, 'model-run-'));
  try {
    // the sandbox sees the model and this one CT read-only, and the scratch folder as its only writable one
    const ctFile = `ct${IMAGE_EXTENSION.exec(run.ct_file_name)?.[1]?.toLowerCase() ?? ''}`;
    const maskFile = `${run.case_name}.nii.gz`;
    const files = {
      inputs: { [MODEL_FILE]: await deps.storage.blobPath(run.model_sha256), [ctFile]: await deps.storage.blobPath(run.ct_sha256) },
      outputDir: scratch,
    };
    const requestFor = (paths: SandboxPaths): RunRequest => ({
      modelPath: paths.inputs[MODEL_FILE],
      manifest: run.manifest,
      ctPath: paths.inputs[ctFile],
      ctFileName: run.ct_file_name,
      maskPath: join(paths.outputDir, maskFile),
      maxVoxels: deps.config.maxVoxels,
    });
    let lastReport = 0;
    let reports = Promise.resolve();
    const onProgress = (done: number, total: number) => {
      if (done < total && Date.now() - lastReport < PROGRESS_EVERY_MS) return;
      lastReport = Date.now();
      reports = reports.then(() => reportInferenceProgress(deps.db, run, done, total)).catch(() => undefined);
    };
    const limits = { timeoutMs: run.model_time_limit_s * 1000, memoryMb: run.model_memory_limit_mb };
    const outcome = await runSandboxed<RunRequest, RunReport>(RUN_SCRIPT, deps.config.modelSandbox, files, requestFor, limits, onProgress);
    await reports;
    if (!outcome.ok) {
      const { failure } = outcome;
      logEvent('info', 'model run stopped', { modelRunId: run.id, case: run.case_name, code: failure.code, ms: outcome.ms, sandbox: outcome.sandbox });
      if (failure.owner === 'team') return await failCase(deps, run, 'team', failure.code, failure.message, { peakMemoryMb: outcome.peakMemoryMb, runMs: outcome.ms });
      return await platformFault(deps, run, context, failure.message, failure.code === 'SANDBOX_UNAVAILABLE' ? failure.code : 'PLATFORM_ERROR');
    }
    const blob = await deps.storage.putFile(join(scratch, maskFile));
    await inTransaction(deps.db, async (client) => {
      await insertBlobs(client, [blob]);
      await finishModelRun(client, run, {
        maskSha256: blob.sha256,
        provider: outcome.result.provider,
        runMs: outcome.ms,
        peakMemoryMb: outcome.peakMemoryMb,
        patches: outcome.result.patches,
      });
      await enqueueEvaluations(deps.queue, [run.evaluation_id], client);
    });
    logEvent('info', 'model run done', { modelRunId: run.id, case: run.case_name, ms: outcome.ms, patches: outcome.result.patches, provider: outcome.result.provider, peakMemoryMb: outcome.peakMemoryMb, sandbox: outcome.sandbox });
  } catch (error) {
    if (error instanceof RetryLater) throw error;
    await platformFault(deps, run, context, error instanceof Error ? error.message : String(error));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A run-model job that exhausted its retries without its handler finishing (every worker running it died). */
export async function modelRunDeadLetter(deps: AppDeps, modelRunId: number): Promise<void> {
  const run = await loadModelRun(deps.db, modelRunId);
  if (!run || run.status === 'done' || run.status === 'failed' || run.has_mask) return;
  if (run.evaluation_status === 'done' || run.evaluation_status === 'failed') return;
  await failCase(deps, run, 'platform', 'PLATFORM_TIMEOUT', `the model run did not finish after ${deps.config.evaluationRetries + 1} attempts (the workers running it stopped); this does not count toward your quota`);
}
