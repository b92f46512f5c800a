/**
 * The one way jobs enter the queue (pg-boss, job-queue.ts). Pass the transaction's client when the rows that need
 * the job are being written: then the rows and their jobs commit together, or neither does.
 * Callers: cases (a gold standard to prepare), submissions and review (evaluations to score), models (model runs),
 * and the worker's own handlers (a case waiting for its gold standard, a mask ready for scoring, viewer artefacts,
 * a phase's rank uncertainty once a submission is done).
 */
import type { PoolClient } from '../db/pool.ts';
import type { JobQueue } from './job-queue.ts';

export async function enqueuePrepareGold(queue: JobQueue, goldStandardId: number, client?: PoolClient): Promise<void> {
  await queue.send('prepare-gold', { goldStandardId }, client);
}

export async function enqueueEvaluations(queue: JobQueue, evaluationIds: readonly number[], client?: PoolClient): Promise<void> {
  for (const evaluationId of evaluationIds) await queue.send('evaluate-case', { evaluationId }, client);
}

/** The same evaluation again after `delayS` (its gold standard is still being prepared). */
export async function enqueueEvaluationLater(queue: JobQueue, evaluationId: number, delayS: number): Promise<void> {
  await queue.send('evaluate-case', { evaluationId }, undefined, delayS);
}

export async function enqueueModelRuns(queue: JobQueue, modelRunIds: readonly number[], client?: PoolClient): Promise<void> {
  for (const modelRunId of modelRunIds) await queue.send('run-model', { modelRunId }, client);
}

/** A scored case's viewer artefacts, built when the worker has nothing to score (handlers/build-viewer.ts). */
export async function enqueueViewerBuild(queue: JobQueue, evaluationId: number, client?: PoolClient, delayS?: number): Promise<void> {
  await queue.send('build-viewer', { evaluationId }, client, delayS);
}

/**
 * A phase's leaderboard rank uncertainty, recomputed after a submission finished, a run was published or an entry
 * was hidden or disqualified (handlers/rank-uncertainty.ts); each job recomputes from the current entries, so
 * the last one to run leaves the cache current.
 */
export async function enqueueRankUncertainty(queue: JobQueue, phaseId: number, client?: PoolClient): Promise<void> {
  await queue.send('rank-uncertainty', { phaseId }, client);
}
