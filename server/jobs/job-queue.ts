/**
 * The job queue: a thin layer on pg-boss 10 (PostgreSQL is the single source of truth, so jobs live beside the
 * rows that need them and can be enqueued in the same transaction). Four queues, one handler each (handlers/):
 * - `prepare-gold` {goldStandardId}: prepare a gold standard once and cache it;
 * - `evaluate-case` {evaluationId}: score one (submission, case);
 * - `run-model` {modelRunId}: run a model submission on one case, then enqueue that case's `evaluate-case`;
 * - `build-viewer` {evaluationId}: a scored case's viewer artefacts, when the worker has nothing to score;
 * - `rank-uncertainty` {phaseId}: a phase's bootstrap rank intervals, cached for the leaderboard.
 * Retries, time-out (expiry) and the failed state are pg-boss's; Carina's own tables keep the status and reason
 * people see (status-writer.ts). Jobs are sent through enqueue.ts.
 */
import PgBoss from 'pg-boss';
import type { PoolClient } from '../db/pool.ts';

export const QUEUE_NAMES = {
  prepareGold: 'prepare-gold',
  evaluateCase: 'evaluate-case',
  /** Jobs that exhausted their retries (including time-outs of dead workers) land here with their payload. */
  prepareGoldDead: 'prepare-gold-dead',
  evaluateCaseDead: 'evaluate-case-dead',
  // model phases (server/models): run a submission's model on one case, then enqueue its evaluate-case job
  runModel: 'run-model',
  runModelDead: 'run-model-dead',
  /** Low priority: viewer artefacts of a scored case (a failure is logged, never retried: the view builds them). */
  buildViewer: 'build-viewer',
  /** A phase's leaderboard rank intervals (server/leaderboards/uncertainty.ts); one per phase waits at a time. */
  rankUncertainty: 'rank-uncertainty',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export interface JobPayloads {
  'prepare-gold': { goldStandardId: number };
  'evaluate-case': { evaluationId: number };
  'prepare-gold-dead': { goldStandardId: number };
  'evaluate-case-dead': { evaluationId: number };
  'run-model': { modelRunId: number };
  'run-model-dead': { modelRunId: number };
  'build-viewer': { evaluationId: number };
  'rank-uncertainty': { phaseId: number };
}

/** A model run may take its phase's whole time limit per case (at most 4 h, migrations/0008), plus start-up. */
const RUN_MODEL_EXPIRY_S = 4 * 3600 + 600;

export interface JobContext {
  readonly jobId: string;
  /** Retries already used (0 on the first attempt). */
  readonly retryCount: number;
  readonly retryLimit: number;
}

export interface QueueOptions {
  readonly timeoutS: number;
  readonly retries: number;
  /** How often expired jobs of dead workers are noticed (pg-boss maintenance). */
  readonly maintenanceIntervalS?: number;
  readonly pollingIntervalS?: number;
}

export interface JobQueue {
  send<Q extends QueueName>(queue: Q, data: JobPayloads[Q], client?: PoolClient, delayS?: number): Promise<string | null>;
  work<Q extends QueueName>(queue: Q, handler: (data: JobPayloads[Q], context: JobContext) => Promise<void>): Promise<void>;
  /** Stops fetching; with `graceful`, waits for running handlers first. */
  stop(graceful?: boolean): Promise<void>;
  /** True once stop() was called: a handler that only waits should hand its job back now. */
  stopping?(): boolean;
  /** Jobs waiting and running per queue (for status and metrics). */
  depth(queue: QueueName): Promise<{ waiting: number; active: number }>;
}

export async function startJobQueue(connectionString: string, options: QueueOptions): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString,
    max: 4,
    schema: 'pgboss',
    maintenanceIntervalSeconds: options.maintenanceIntervalS ?? 60,
  });
  boss.on('error', () => undefined); // connection blips: pg-boss retries on its own
  await boss.start();
  const deadLetters: Partial<Record<QueueName, QueueName>> = {
    'prepare-gold': QUEUE_NAMES.prepareGoldDead,
    'evaluate-case': QUEUE_NAMES.evaluateCaseDead,
    'run-model': QUEUE_NAMES.runModelDead,
  };
  const expiryOf = (queue: QueueName) => (queue === QUEUE_NAMES.runModel ? Math.max(options.timeoutS, RUN_MODEL_EXPIRY_S) : options.timeoutS);
  let stopping = false;
  for (const name of [QUEUE_NAMES.prepareGoldDead, QUEUE_NAMES.evaluateCaseDead, QUEUE_NAMES.runModelDead, QUEUE_NAMES.prepareGold, QUEUE_NAMES.evaluateCase, QUEUE_NAMES.runModel, QUEUE_NAMES.buildViewer, QUEUE_NAMES.rankUncertainty]) {
    const settings = {
      name,
      retryLimit: options.retries,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: expiryOf(name),
      ...(deadLetters[name] ? { deadLetter: deadLetters[name] } : {}),
    };
    if (await boss.getQueue(name)) await boss.updateQueue(name, settings);
    else await boss.createQueue(name, settings);
  }
  return {
    async send(queue, data, client, delayS) {
      const db = client ? { executeSql: (text: string, values: unknown[]) => client.query(text, values) } : undefined;
      return boss.send(queue, data as object, {
        retryLimit: options.retries,
        expireInSeconds: expiryOf(queue),
        ...(delayS ? { startAfter: delayS } : {}),
        ...(deadLetters[queue] ? { deadLetter: deadLetters[queue] } : {}),
        ...(db ? { db } : {}),
      });
    },
    async work(queue, handler) {
      let workerId = '';
      workerId = await boss.work<JobPayloads[typeof queue]>(
        queue,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalS ?? 1 },
        async (jobs) => {
          for (const job of jobs) {
            await handler(job.data, { jobId: job.id, retryCount: job.retryCount, retryLimit: job.retryLimit });
          }
          // pg-boss sleeps out its polling interval after every fetch, even a fruitful one; a worker that just
          // finished a job looks for the next one at once instead (else one worker scores at most a job a second)
          if (jobs.length > 0 && workerId) boss.notifyWorker(workerId);
        },
      );
    },
    async stop(graceful = true) {
      stopping = true;
      await boss.stop({ graceful, wait: true, timeout: graceful ? options.timeoutS * 1000 : 1000 });
    },
    stopping: () => stopping,
    async depth(queue) {
      const q = await boss.getQueueSize(queue, { before: 'active' });
      const all = await boss.getQueueSize(queue);
      return { waiting: q, active: Math.max(0, all - q) };
    },
  };
}
