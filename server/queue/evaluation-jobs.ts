/**
 * The worker's job handlers: prepare a gold standard; score one (submission, case).
 *
 * Failure policy (what a team sees is always actionable and never leaks gold-standard content):
 * - the prediction is bad (EvaluatorError: unreadable, wrong geometry, too large) → failed, owner 'team';
 * - anything else is the platform's fault → retried by the queue (status back to queued); after the last retry
 *   (or when the dead-letter queue reports a job that timed out) → failed, owner 'platform', and the submission
 *   no longer counts toward the team's quota.
 * A worker killed mid-job loses nothing: the job expires, is retried, and scoring is deterministic.
 */
import { hostname } from 'node:os';
import {
  EvaluatorError,
  EVALUATOR_VERSION,
  encodePreparedGold,
  logEvent,
  prepareGold,
  preparedSummary,
  readVolume,
  scorePrediction,
  PREPARED_GOLD_FILE,
} from '../../evaluator/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { inTransaction } from '../db/pool.ts';
import type { JobContext } from './job-queue.ts';
import {
  goldForEvaluation,
  loadEvaluation,
  loadGoldJob,
  markEvaluationDone,
  markEvaluationFailed,
  markEvaluationRetrying,
  markEvaluationRunning,
  reportProgress,
} from './evaluation-store.ts';
import { markGoldFailed, markGoldReady, markGoldRunning } from '../challenges/gold-store.ts';
import { PreparedGoldCache } from './prepared-gold-cache.ts';
import { StageClock } from '../jobs/stage-clock.ts';
import { startModelWorker } from '../models/run-model-job.ts';
import { buildEvaluationViewerArtefacts, buildGoldViewerArtefacts } from '../viewer/worker-artefacts.ts';

const WORKER_ID = `${hostname()}:${process.pid}`;
/** While a case's gold standard is still being prepared, its evaluations wait and look again after this. */
const GOLD_WAIT_S = 3;

export interface WorkerDeps extends AppDeps {
  readonly goldCache: PreparedGoldCache;
}

export async function prepareGoldJob(deps: WorkerDeps, goldStandardId: number, context: JobContext): Promise<void> {
  const gold = await loadGoldJob(deps.db, goldStandardId);
  if (!gold || gold.status === 'ready') return;
  await markGoldRunning(deps.db, gold.id);
  const started = performance.now();
  try {
    const volume = await readVolume(await deps.storage.blobPath(gold.sha256), { maxVoxels: deps.config.maxVoxels, fileName: gold.file_name });
    const prepared = await prepareGold(volume, {
      sourceSha256: gold.sha256,
      onProgress: (stage) => logEvent('info', 'preparing gold standard', { goldStandardId, case: gold.case_name, stage }),
    });
    const key = `prepared/${gold.id}/${PREPARED_GOLD_FILE}`;
    await deps.storage.putObject(key, encodePreparedGold(prepared));
    const { branches: _branches, ...summary } = preparedSummary(prepared) as Record<string, unknown>;
    await markGoldReady(deps.db, gold.id, key, summary);
    logEvent('info', 'gold standard ready', { goldStandardId, case: gold.case_name, ms: Math.round(performance.now() - started) });
    // the 3D viewer's surface and first slices; never throws (a failure is logged, the viewer builds it later)
    await buildGoldViewerArtefacts(deps, gold, prepared);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof EvaluatorError || context.retryCount >= context.retryLimit) {
      await markGoldFailed(deps.db, gold.id, message);
      logEvent('warn', 'gold standard preparation failed', { goldStandardId, message });
      return;
    }
    throw error;
  }
}

export async function evaluateCaseJob(deps: WorkerDeps, evaluationId: number, context: JobContext): Promise<void> {
  const clock = new StageClock();
  const evaluation = await loadEvaluation(deps.db, evaluationId);
  if (!evaluation || evaluation.status === 'done' || evaluation.status === 'failed') return;
  const { pred_sha256: predSha256, pred_name: predName } = evaluation;
  if (!predSha256 || !predName) {
    await inTransaction(deps.db, (client) =>
      markEvaluationFailed(client, evaluation, 'platform', 'NO_PREDICTION', `case ${evaluation.case_name}: there is no prediction to score for this case`),
    );
    return;
  }
  const gold = await goldForEvaluation(deps.db, evaluation);
  if (!gold || gold.status === 'failed') {
    await inTransaction(deps.db, (client) =>
      markEvaluationFailed(client, evaluation, 'platform', 'GOLD_STANDARD_UNAVAILABLE', `case ${evaluation.case_name}: the organisers' reference for this case is not available; they have been told, and this does not count toward your quota`),
    );
    return;
  }
  if (gold.status !== 'ready' || !gold.prepared_key) {
    await deps.queue.send('evaluate-case', { evaluationId }, undefined, GOLD_WAIT_S);
    return;
  }
  await markEvaluationRunning(deps.db, evaluationId, WORKER_ID);
  clock.lap('claim');
  const started = performance.now();
  try {
    const prepared = await deps.goldCache.get(gold.prepared_key);
    clock.lap('gold');
    await reportProgress(deps.db, evaluationId, 'reading');
    const volume = await readVolume(await deps.storage.blobPath(predSha256), {
      maxVoxels: deps.config.maxVoxels,
      fileName: predName,
    });
    clock.lap('read');
    await reportProgress(deps.db, evaluationId, 'scoring');
    const { timings, ...score } = await scorePrediction(prepared, volume, `case ${evaluation.case_name} (${predName})`);
    clock.lap('score');
    const provenance = {
      evaluatorVersion: EVALUATOR_VERSION,
      goldStandardId: gold.id,
      goldVersion: gold.version,
      goldSha256: gold.sha256,
      predSha256,
      runMs: Math.round(performance.now() - started),
      stages: timings,
      worker: WORKER_ID,
    };
    await inTransaction(deps.db, (client) => markEvaluationDone(client, evaluation, gold.id, score, provenance));
    clock.lap('record');
    // the 3D viewer's leakage surface and first slices; never throws (a failure is logged, the viewer builds it later)
    await buildEvaluationViewerArtefacts(deps, { evaluationId, goldStandardId: gold.id, predSha256 }, prepared, volume);
    clock.lap('viewer');
    logEvent('info', 'case scored', { evaluationId, case: evaluation.case_name, ms: provenance.runMs, TD: score.TD, BD: score.BD, stages: clock.report() });
  } catch (error) {
    if (error instanceof EvaluatorError) {
      await inTransaction(deps.db, (client) => markEvaluationFailed(client, evaluation, 'team', error.code, error.message));
      return;
    }
    const message = `platform error while scoring case ${evaluation.case_name}: ${error instanceof Error ? error.message : String(error)}`;
    logEvent('error', 'evaluation failed', { evaluationId, attempt: context.retryCount + 1, message });
    if (context.retryCount < context.retryLimit) {
      await markEvaluationRetrying(deps.db, evaluationId, message);
      throw error;
    }
    await inTransaction(deps.db, (client) => markEvaluationFailed(client, evaluation, 'platform', 'PLATFORM_ERROR', `${message} (gave up after ${context.retryCount + 1} attempts; this does not count toward your quota)`));
  }
}

/** A job that exhausted its retries without its handler finishing (e.g. every worker running it died). */
export async function evaluationDeadLetter(deps: WorkerDeps, evaluationId: number): Promise<void> {
  const evaluation = await loadEvaluation(deps.db, evaluationId);
  if (!evaluation || evaluation.status === 'done' || evaluation.status === 'failed') return;
  await inTransaction(deps.db, (client) =>
    markEvaluationFailed(client, evaluation, 'platform', 'PLATFORM_TIMEOUT', `case ${evaluation.case_name}: scoring did not finish within ${deps.config.evaluationTimeoutS} s after ${deps.config.evaluationRetries + 1} attempts; this does not count toward your quota`),
  );
}

export async function goldDeadLetter(deps: WorkerDeps, goldStandardId: number): Promise<void> {
  const gold = await loadGoldJob(deps.db, goldStandardId);
  if (!gold || gold.status === 'ready') return;
  await markGoldFailed(deps.db, goldStandardId, `preparation did not finish within ${deps.config.evaluationTimeoutS} s after ${deps.config.evaluationRetries + 1} attempts`);
}

/** Registers every handler on the queue: one worker process. */
export async function startWorker(deps: AppDeps): Promise<WorkerDeps> {
  const worker: WorkerDeps = { ...deps, goldCache: new PreparedGoldCache(deps.storage) };
  await deps.queue.work('prepare-gold', (data, context) => prepareGoldJob(worker, data.goldStandardId, context));
  await deps.queue.work('evaluate-case', (data, context) => evaluateCaseJob(worker, data.evaluationId, context));
  await deps.queue.work('evaluate-case-dead', (data) => evaluationDeadLetter(worker, data.evaluationId));
  await deps.queue.work('prepare-gold-dead', (data) => goldDeadLetter(worker, data.goldStandardId));
  await startModelWorker(worker); // model phases: run-model jobs
  logEvent('info', 'worker started', { worker: WORKER_ID });
  return worker;
}
