/**
 * The `evaluate-case` job: score one (submission, case) against its prepared gold standard.
 *
 * Failure policy (what a team sees is always actionable and never leaks gold-standard content):
 * - the prediction is bad (EvaluatorError: unreadable, wrong geometry, too large) → failed, owner 'team';
 * - anything else is the platform's fault → retried by the queue (status back to queued); after the last retry
 *   (or when the dead-letter queue reports a job that timed out) → failed, owner 'platform', and the submission
 *   no longer counts toward the team's quota.
 * A worker killed mid-job loses nothing: the job expires, is retried, and scoring is deterministic.
 * The case's viewer artefacts are not built here: the score is recorded with a low-priority `build-viewer` job
 * in the same transaction (handlers/build-viewer.ts), so scoring never waits for them.
 */
import { EvaluatorError, EVALUATOR_VERSION, logEvent, readVolume, scoreSuites } from '../../../evaluator/index.ts';
import { SUITE_IDS, type SuiteId } from '../../../contract/metric-suites.ts';
import { storedCaseMetrics } from '../stored-metrics.ts';
import { reprepareGold } from './prepare-gold.ts';
import { inTransaction } from '../../db/pool.ts';
import { enqueueEvaluationLater, enqueueRankUncertainty, enqueueViewerBuild } from '../../jobs/enqueue.ts';
import type { JobContext } from '../../jobs/job-queue.ts';
import { goldForEvaluation, loadEvaluation } from '../job-rows.ts';
import { StageClock } from '../stage-clock.ts';
import { failEvaluation, finishEvaluation, reportProgress, retryEvaluation, startEvaluation } from '../../jobs/status-writer.ts';
import { IllegalTransitionError } from '../../jobs/transitions.ts';
import { WORKER_ID, type WorkerDeps } from '../worker-deps.ts';

/** While a case's gold standard is still being prepared, its evaluations wait and look again after this. */
const GOLD_WAIT_S = 3;

export async function evaluateCaseJob(deps: WorkerDeps, evaluationId: number, context: JobContext): Promise<void> {
  const clock = new StageClock();
  const evaluation = await loadEvaluation(deps.db, evaluationId);
  if (!evaluation || evaluation.status === 'done' || evaluation.status === 'failed') return;
  const { pred_sha256: predSha256, pred_name: predName } = evaluation;
  if (!predSha256 || !predName) {
    await inTransaction(deps.db, (client) =>
      failEvaluation(client, evaluation, 'platform', 'NO_PREDICTION', `case ${evaluation.case_name}: there is no prediction to score for this case`),
    );
    return;
  }
  const gold = await goldForEvaluation(deps.db, evaluation);
  if (!gold || gold.status === 'failed') {
    await inTransaction(deps.db, (client) =>
      failEvaluation(client, evaluation, 'platform', 'GOLD_STANDARD_UNAVAILABLE', `case ${evaluation.case_name}: the organisers' reference for this case is not available; they have been told, and this does not count toward your quota`),
    );
    return;
  }
  if (gold.status !== 'ready' || !gold.prepared_key) {
    await enqueueEvaluationLater(deps.queue, evaluationId, GOLD_WAIT_S);
    return;
  }
  await startEvaluation(deps.db, evaluationId, WORKER_ID);
  clock.lap('claim');
  const started = performance.now();
  try {
    const preparedKey = gold.prepared_key;
    const prepared = await deps.goldCache.get(preparedKey, () => reprepareGold(deps, gold.id, preparedKey));
    clock.lap('gold'); // the stage is already 'reading' (startEvaluation): one statement less per case
    const volume = await readVolume(await deps.storage.blobPath(predSha256), {
      maxVoxels: deps.config.maxVoxels,
      fileName: predName,
      buffer: deps.predictionBuffer,
    });
    clock.lap('read');
    await reportProgress(deps.db, evaluationId, 'scoring');
    // the phase's suites (or its re-evaluation run's), in their order; a name no suite knows is skipped
    const suites = evaluation.metric_suites.filter((s): s is SuiteId => (SUITE_IDS as readonly string[]).includes(s));
    const scores = await scoreSuites(prepared, volume, suites.length ? suites : ['atm22'], `case ${evaluation.case_name} (${predName})`);
    const timings = scores.timings;
    const score = storedCaseMetrics(suites.length ? suites : ['atm22'], scores);
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
    await inTransaction(deps.db, async (client) => {
      await finishEvaluation(client, evaluation, gold.id, score, provenance);
      await enqueueViewerBuild(deps.queue, evaluationId, client);
      // the submission's last case: its phase's leaderboard changed, so its rank intervals are recomputed
      if (evaluation.run_id === null) {
        const done = await client.query<{ phase_id: number }>(`select phase_id from submissions where id = $1 and status = 'done'`, [evaluation.submission_id]);
        if (done.rows[0]) await enqueueRankUncertainty(deps.queue, Number(done.rows[0].phase_id), client);
      }
    });
    clock.lap('record');
    logEvent('info', 'case scored', { evaluationId, case: evaluation.case_name, ms: provenance.runMs, suites, TD: score.TD, BD: score.BD, IoU: score.IoU, stages: clock.report() });
  } catch (error) {
    if (error instanceof EvaluatorError) {
      await inTransaction(deps.db, (client) => failEvaluation(client, evaluation, 'team', error.code, error.message));
      return;
    }
    const message = `platform error while scoring case ${evaluation.case_name}: ${error instanceof Error ? error.message : String(error)}`;
    logEvent('error', 'evaluation failed', { evaluationId, attempt: context.retryCount + 1, message });
    if (context.retryCount < context.retryLimit) {
      // the row may have moved on meanwhile (finished by a retry elsewhere): the job fails all the same
      await retryEvaluation(deps.db, evaluationId, message).catch((refused: unknown) => {
        if (!(refused instanceof IllegalTransitionError)) throw refused;
        logEvent('warn', 'evaluation not put back in the queue', { evaluationId, message: refused.message });
      });
      throw error;
    }
    await inTransaction(deps.db, (client) => failEvaluation(client, evaluation, 'platform', 'PLATFORM_ERROR', `${message} (gave up after ${context.retryCount + 1} attempts; this does not count toward your quota)`));
  }
}

/** A job that exhausted its retries without its handler finishing (e.g. every worker running it died). */
export async function evaluationDeadLetter(deps: WorkerDeps, evaluationId: number): Promise<void> {
  const evaluation = await loadEvaluation(deps.db, evaluationId);
  if (!evaluation || evaluation.status === 'done' || evaluation.status === 'failed') return;
  await inTransaction(deps.db, (client) =>
    failEvaluation(client, evaluation, 'platform', 'PLATFORM_TIMEOUT', `case ${evaluation.case_name}: scoring did not finish within ${deps.config.evaluationTimeoutS} s after ${deps.config.evaluationRetries + 1} attempts; this does not count toward your quota`),
  );
}
