/**
 * The `build-viewer` job, low priority: a scored case's viewer artefacts (its leakage surface and the level-2 mask
 * of the prediction's largest component), built only when this worker scores nothing and no job people wait for
 * (gold preparation, scoring, model runs) is waiting in the queue, so that it never slows scoring. The job waits
 * in the worker for such a pause (up to HOLD_MS), else goes back to the queue for later. If someone opens the 3D view first, the server builds what is missing on that request
 * (server/viewer/routes.ts) — a viewer artefact is a cache, and never fails anything.
 */
import { logEvent } from '../../../evaluator/index.ts';
import { goldForEvaluation, loadEvaluation } from '../job-rows.ts';
import { enqueueViewerBuild } from '../../jobs/enqueue.ts';
import { QUEUE_NAMES } from '../../jobs/job-queue.ts';
import { buildEvaluationViewerArtefacts } from '../viewer-artefacts.ts';
import type { WorkerDeps } from '../worker-deps.ts';

/** Idle at least this long: the worker's own fetch-again after a job has had its chance. */
const IDLE_MS = 250;
/** The queues of jobs people wait for: a viewer build waits while any of them has a job waiting. */
const WAITED_FOR = [QUEUE_NAMES.prepareGold, QUEUE_NAMES.evaluateCase, QUEUE_NAMES.runModel] as const;
/** Held at most this long, and well within the job's expiry (EVALUATION_TIMEOUT_S). */
const HOLD_MS = 60_000;
const LOOK_EVERY_MS = 500;
/** A build that found no pause within HOLD_MS looks again this much later. */
const DEFER_S = 30;

async function nothingWaiting(deps: WorkerDeps): Promise<boolean> {
  for (const queue of WAITED_FOR) if ((await deps.queue.depth(queue)).waiting > 0) return false;
  return true;
}

async function waitForIdle(deps: WorkerDeps): Promise<boolean> {
  const deadline = performance.now() + Math.min(HOLD_MS, (deps.config.evaluationTimeoutS * 1000) / 2);
  for (;;) {
    if (deps.queue.stopping?.()) return false;
    if (deps.activity.idleFor(IDLE_MS) && (await nothingWaiting(deps))) return true;
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
  }
}

export async function buildViewerJob(deps: WorkerDeps, evaluationId: number): Promise<void> {
  if (!(await waitForIdle(deps))) {
    // a worker that is stopping may not reach the queue any more: the view then builds the artefacts itself
    await enqueueViewerBuild(deps.queue, evaluationId, undefined, DEFER_S).catch((error: unknown) =>
      logEvent('warn', 'viewer build not put back in the queue', { evaluationId, message: error instanceof Error ? error.message : String(error) }),
    );
    return;
  }
  const evaluation = await loadEvaluation(deps.db, evaluationId);
  if (!evaluation || evaluation.status !== 'done' || !evaluation.pred_sha256 || !evaluation.pred_name) return;
  const gold = await goldForEvaluation(deps.db, evaluation);
  if (!gold?.prepared_key) return;
  await buildEvaluationViewerArtefacts(deps, {
    evaluationId,
    goldStandardId: gold.id,
    preparedKey: gold.prepared_key,
    prediction: { sha256: evaluation.pred_sha256, fileName: evaluation.pred_name },
  });
}
