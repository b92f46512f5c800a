/**
 * One worker process: registers a handler per job kind on the queue (pg-boss, job-queue.ts).
 * - `prepare-gold` → handlers/prepare-gold.ts; `evaluate-case` → handlers/evaluate-case.ts;
 * - `run-model` → handlers/run-model.ts (model phases); `build-viewer` → handlers/build-viewer.ts (low priority);
 * - `rank-uncertainty` → handlers/rank-uncertainty.ts (a phase's leaderboard rank intervals);
 * - the dead-letter queues of the first three: a job that exhausted its retries fails its row.
 */
import { logEvent, VolumeBuffer } from '../../evaluator/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { buildViewerJob } from './handlers/build-viewer.ts';
import { evaluateCaseJob, evaluationDeadLetter } from './handlers/evaluate-case.ts';
import { goldDeadLetter, prepareGoldJob } from './handlers/prepare-gold.ts';
import { rankUncertaintyJob } from './handlers/rank-uncertainty.ts';
import { modelRunDeadLetter, runModelJob } from './handlers/run-model.ts';
import { PreparedGoldCache } from './prepared-gold-cache.ts';
import { WORKER_ID, WorkerActivity, type WorkerDeps } from './worker-deps.ts';
import { reportModelSandbox } from '../models/sandbox/sandbox-probe.ts';

export type { WorkerDeps } from './worker-deps.ts';

/** Registers every handler on the queue: one worker process. */
export async function startWorker(deps: AppDeps): Promise<WorkerDeps> {
  const worker: WorkerDeps = { ...deps, goldCache: new PreparedGoldCache(deps.storage), activity: new WorkerActivity(), predictionBuffer: new VolumeBuffer() };
  const { activity, queue } = worker;
  await queue.work('prepare-gold', (data, context) => activity.busy(() => prepareGoldJob(worker, data.goldStandardId, context)));
  await queue.work('evaluate-case', (data, context) => activity.busy(() => evaluateCaseJob(worker, data.evaluationId, context)));
  await queue.work('evaluate-case-dead', (data) => evaluationDeadLetter(worker, data.evaluationId));
  await queue.work('prepare-gold-dead', (data) => goldDeadLetter(worker, data.goldStandardId));
  await queue.work('run-model', (data, context) => activity.busy(() => runModelJob(worker, data.modelRunId, context)));
  await queue.work('run-model-dead', (data) => modelRunDeadLetter(worker, data.modelRunId));
  await queue.work('build-viewer', (data) => buildViewerJob(worker, data.evaluationId));
  await queue.work('rank-uncertainty', (data) => rankUncertaintyJob(worker, data.phaseId));
  logEvent('info', 'worker started', { worker: WORKER_ID });
  void reportModelSandbox(deps.config.modelSandbox);
  return worker;
}
