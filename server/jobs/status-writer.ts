/**
 * The one module that writes the status of evaluations and model runs (test/server/job-lifecycle.test.ts checks
 * that no other file does): inserts with their first status, and every later change. Each change is one guarded
 * statement, `where status = any(<the states transitions.ts allows it from>)`; when it matches no row, the writer
 * reads the row and throws an IllegalTransitionError naming the transition and the state it met.
 *
 * A published evaluation's change also recomputes its submission (status, aggregate, quota) in the same
 * transaction; a model run's changes move its evaluation along with it (inferring is the evaluation's first step).
 */
import type { Pool, PoolClient } from '../db/pool.ts';
import { aggregateCases, type StoredCaseMetrics } from './submission-aggregate.ts';
import { submissionStatus } from './submission-status.ts';
import { checkTransition, existingFrom, IllegalTransitionError, NEW, TRANSITIONS, type EvaluationStatus, type RowKind } from './transitions.ts';

/** What the writer needs to know of an evaluation (the worker's job rows have it). */
export interface EvaluationRef {
  id: number;
  submission_id: number;
  run_id: number | null;
}

/** What the writer needs to know of a model run (the worker's job rows have it). */
export interface ModelRunRef {
  id: number;
  evaluation_id: number;
  submission_id: number;
  run_id: number | null;
  case_id: number;
  case_name: string;
}

type Db = Pool | PoolClient;

const TABLES: { [K in RowKind]: string } = { evaluation: 'evaluations', model_run: 'model_runs' };

/**
 * Runs `sql` (whose $1 is the row id and $2 the allowed from-states) and refuses the change when no row matched.
 * `to` is only for the error message.
 */
async function guarded(db: Db, kind: RowKind, event: string, to: string, id: number, sql: string, values: unknown[] = []): Promise<void> {
  const result = await db.query(sql, [id, existingFrom(kind, event), ...values]);
  if (result.rowCount) return;
  const current = (await db.query<{ status: string }>(`select status from ${TABLES[kind]} where id = $1`, [id])).rows[0]?.status;
  throw new IllegalTransitionError(kind, event, current, to, id);
}

// ---- evaluations ----

/** One queued, published evaluation per case, each against the case's current gold standard once it is ready. */
export async function createEvaluations(client: PoolClient, submissionId: number, caseIds: readonly number[]): Promise<number[]> {
  checkTransition('evaluation', 'create', NEW, 'queued');
  const result = await client.query<{ id: number }>(
    `insert into evaluations (submission_id, case_id, run_id, status, gold_standard_id)
     select $1, c.id, null, 'queued',
            (select g.id from gold_standards g where g.case_id = c.id and g.is_current and g.status = 'ready')
     from unnest($2::bigint[]) with ordinality as c(id, n)
     order by c.n
     returning id`,
    [submissionId, caseIds],
  );
  return result.rows.map((r) => r.id);
}

/** One queued candidate per published (submission, case) of a re-evaluation run, against the current gold standard. */
export async function createCandidateEvaluations(client: PoolClient, runId: number, submissionIds: number[]): Promise<number[]> {
  checkTransition('evaluation', 'create', NEW, 'queued');
  const result = await client.query<{ id: number }>(
    `insert into evaluations (submission_id, case_id, run_id, gold_standard_id, status)
     select e.submission_id, e.case_id, $1, g.id, 'queued'
       from evaluations e join gold_standards g on g.case_id = e.case_id and g.is_current
       -- only cases that have a prediction to score (a model submission's failed run left none)
       join submission_files f on f.submission_id = e.submission_id and f.case_id = e.case_id
      where e.run_id is null and e.submission_id = any($2::bigint[])
      order by e.submission_id, e.case_id
     returning id`,
    [runId, submissionIds],
  );
  return result.rows.map((r) => r.id);
}

/**
 * Copies a run's candidates over the published evaluations (inserting any that were missing); the published row
 * keeps its id and its provenance records which candidate it came from. Returns the affected submissions.
 */
export async function publishCandidateEvaluations(client: PoolClient, runId: number): Promise<number[]> {
  const { from, to } = TRANSITIONS.evaluation.publish;
  const refused = await client.query<{ id: number; published: string | null; candidate: string }>(
    `select c.id, p.status as published, c.status as candidate from evaluations c
       left join evaluations p on p.submission_id = c.submission_id and p.case_id = c.case_id and p.run_id is null
      where c.run_id = $1 and not (coalesce(p.status, $2) = any($3::text[]) and c.status = any($4::text[]))
      limit 1`,
    [runId, NEW, from, to],
  );
  const bad = refused.rows[0];
  if (bad) throw new IllegalTransitionError('evaluation', 'publish', bad.published ?? NEW, bad.candidate, bad.id);
  const result = await client.query<{ submission_id: number }>(
    `insert into evaluations (submission_id, case_id, run_id, gold_standard_id, status, attempts, metrics, provenance,
                              queued_at, started_at, finished_at)
     select c.submission_id, c.case_id, null, c.gold_standard_id, c.status, c.attempts, c.metrics,
            coalesce(c.provenance, '{}'::jsonb) || jsonb_build_object('runId', c.run_id, 'candidateEvaluationId', c.id),
            c.queued_at, c.started_at, c.finished_at
       from evaluations c where c.run_id = $1
     on conflict (submission_id, case_id) where run_id is null do update set
       gold_standard_id = excluded.gold_standard_id, status = excluded.status, attempts = excluded.attempts,
       metrics = excluded.metrics, provenance = excluded.provenance, progress = null, heartbeat_at = null, worker = null,
       error_code = null, error_message = null, error_owner = null,
       queued_at = excluded.queued_at, started_at = excluded.started_at, finished_at = excluded.finished_at
     returning submission_id`,
    [runId],
  );
  return [...new Set(result.rows.map((r) => r.submission_id))].sort((a, b) => a - b);
}

/** A worker takes the case: running, one more attempt, heartbeat now; a published submission becomes running. */
export async function startEvaluation(db: Pool, evaluationId: number, worker: string): Promise<void> {
  await guarded(
    db,
    'evaluation',
    'start',
    'running',
    evaluationId,
    `update evaluations set status = 'running', attempts = attempts + 1, started_at = now(), heartbeat_at = now(),
       worker = $3, progress = '{"stage": "reading"}', error_code = null, error_message = null, error_owner = null
     where id = $1 and status = any($2::text[])`,
    [worker],
  );
  await db.query(
    `update submissions s set status = 'running' from evaluations e
     where e.id = $1 and s.id = e.submission_id and e.run_id is null and s.status = 'queued'`,
    [evaluationId],
  );
}

/** Heartbeat and stage of a running case (no status change). */
export async function reportProgress(db: Pool, evaluationId: number, stage: string): Promise<void> {
  await db.query(`update evaluations set heartbeat_at = now(), progress = jsonb_build_object('stage', $2::text) where id = $1`, [evaluationId, stage]);
}

/** Back to queued after a platform fault that will be retried (keeps the reason for the record). */
export async function retryEvaluation(db: Pool, evaluationId: number, message: string): Promise<void> {
  await guarded(
    db,
    'evaluation',
    'retry',
    'queued',
    evaluationId,
    `update evaluations set status = 'queued', progress = null, error_code = 'PLATFORM_RETRY', error_message = $3, error_owner = 'platform'
     where id = $1 and status = any($2::text[])`,
    [message],
  );
}

/** Recomputes a published submission's status and aggregate; call in the transaction that changed a case. */
export async function refreshSubmission(client: PoolClient, submissionId: number): Promise<void> {
  await client.query('select id from submissions where id = $1 for update', [submissionId]);
  const cases = (
    await client.query<{ status: EvaluationStatus; metrics: StoredCaseMetrics | null; error_owner: string | null }>(
      'select status, metrics, error_owner from evaluations where submission_id = $1 and run_id is null',
      [submissionId],
    )
  ).rows;
  const status = submissionStatus(cases.map((c) => c.status));
  const finished = status === 'done' || status === 'failed';
  const aggregate = status === 'done' ? aggregateCases(cases.map((c) => c.metrics!)) : null;
  const platformFault = status === 'failed' && cases.some((c) => c.status === 'failed' && c.error_owner === 'platform');
  await client.query(
    `update submissions set status = $2, aggregate = $3, finished_at = case when $4 then coalesce(finished_at, now()) else null end,
       counts_toward_quota = case when $5 then false else counts_toward_quota end
     where id = $1`,
    [submissionId, status, aggregate, finished, platformFault],
  );
}

export async function finishEvaluation(
  client: PoolClient,
  evaluation: EvaluationRef,
  goldId: number,
  metrics: object,
  provenance: object,
): Promise<void> {
  await guarded(
    client,
    'evaluation',
    'finish',
    'done',
    evaluation.id,
    `update evaluations set status = 'done', metrics = $3, provenance = $4, gold_standard_id = $5, finished_at = now(),
       progress = '{"stage": "done"}', heartbeat_at = now(), error_code = null, error_message = null, error_owner = null
     where id = $1 and status = any($2::text[])`,
    [metrics, provenance, goldId],
  );
  if (evaluation.run_id === null) await refreshSubmission(client, evaluation.submission_id);
}

export async function failEvaluation(
  client: PoolClient,
  evaluation: EvaluationRef,
  owner: 'team' | 'platform',
  code: string,
  message: string,
): Promise<void> {
  await guarded(
    client,
    'evaluation',
    'fail',
    'failed',
    evaluation.id,
    `update evaluations set status = 'failed', error_code = $3, error_message = $4, error_owner = $5, finished_at = now(),
       progress = null
     where id = $1 and status = any($2::text[])`,
    [code, message, owner],
  );
  if (evaluation.run_id === null) await refreshSubmission(client, evaluation.submission_id);
}

// ---- model runs (and the evaluation each one feeds) ----

/** One queued model run per evaluation, in the given order; returns their ids. */
export async function createModelRuns(client: PoolClient, evaluationIds: readonly number[]): Promise<number[]> {
  checkTransition('model_run', 'create', NEW, 'queued');
  const result = await client.query<{ id: number }>(
    `insert into model_runs (evaluation_id, status)
     select e.id, 'queued' from unnest($1::bigint[]) with ordinality as e(id, n) order by e.n
     returning id`,
    [evaluationIds],
  );
  return result.rows.map((r) => r.id);
}

/** A worker starts the model: the run and its evaluation are running (inference is the case's first stage). */
export async function startModelRun(db: Pool, run: ModelRunRef, worker: string): Promise<void> {
  await guarded(
    db,
    'model_run',
    'start',
    'running',
    run.id,
    `update model_runs set status = 'running', attempts = attempts + 1, started_at = now(), patches_done = 0, patches_total = null,
       error_code = null, error_message = null
     where id = $1 and status = any($2::text[])`,
  );
  await guarded(
    db,
    'evaluation',
    'infer',
    'running',
    run.evaluation_id,
    `update evaluations set status = 'running', started_at = now(), heartbeat_at = now(), worker = $3,
       progress = '{"stage": "inference", "patchesDone": 0}', error_code = null, error_message = null, error_owner = null
     where id = $1 and status = any($2::text[])`,
    [worker],
  );
  await db.query(`update submissions set status = 'running' where id = $1 and status = 'queued' and $2::bigint is null`, [run.submission_id, run.run_id]);
}

/** Patches done so far (no status change). */
export async function reportInferenceProgress(db: Pool, run: ModelRunRef, done: number, total: number): Promise<void> {
  await db.query('update model_runs set patches_done = $2, patches_total = $3 where id = $1', [run.id, done, total]);
  await db.query(
    `update evaluations set heartbeat_at = now(),
       progress = jsonb_build_object('stage', 'inference', 'patchesDone', $2::int, 'patchesTotal', $3::int)
     where id = $1 and status = 'running'`,
    [run.evaluation_id, done, total],
  );
}

export interface FinishedRun {
  readonly maskSha256: string;
  readonly provider: string;
  readonly runMs: number;
  readonly peakMemoryMb: number;
  readonly patches: number;
}

/**
 * The mask exists: record it as the case's submission file, close the run, and put the evaluation back in the
 * queue for scoring (the caller enqueues its `evaluate-case` job in the same transaction).
 */
export async function finishModelRun(client: PoolClient, run: ModelRunRef, finished: FinishedRun): Promise<void> {
  await client.query(
    `insert into submission_files (submission_id, case_id, sha256, original_name) values ($1, $2, $3, $4)
     on conflict (submission_id, case_id) do nothing`,
    [run.submission_id, run.case_id, finished.maskSha256, `${run.case_name}.nii.gz`],
  );
  await guarded(
    client,
    'model_run',
    'finish',
    'done',
    run.id,
    `update model_runs set status = 'done', finished_at = now(), mask_sha256 = $3, provider = $4, run_ms = $5, peak_memory_mb = $6,
       patches_done = $7, patches_total = $7, error_code = null, error_message = null
     where id = $1 and status = any($2::text[])`,
    [finished.maskSha256, finished.provider, finished.runMs, finished.peakMemoryMb, finished.patches],
  );
  await guarded(
    client,
    'evaluation',
    'inferred',
    'queued',
    run.evaluation_id,
    `update evaluations set status = 'queued', queued_at = now(), heartbeat_at = now(),
       progress = jsonb_build_object('stage', 'inferred', 'patchesDone', $3::int, 'patchesTotal', $3::int)
     where id = $1 and status = any($2::text[])`,
    [finished.patches],
  );
}

/** The run failed (its evaluation fails with it: the caller calls failEvaluation in the same transaction). */
export async function failModelRun(client: PoolClient, run: ModelRunRef, failure: { code: string; message: string; peakMemoryMb?: number; runMs?: number }): Promise<void> {
  await guarded(
    client,
    'model_run',
    'fail',
    'failed',
    run.id,
    `update model_runs set status = 'failed', finished_at = now(), error_code = $3, error_message = $4,
       peak_memory_mb = coalesce($5, peak_memory_mb), run_ms = coalesce($6, run_ms)
     where id = $1 and status = any($2::text[])`,
    [failure.code, failure.message, failure.peakMemoryMb ?? null, failure.runMs ?? null],
  );
}

/** Back to queued after a platform fault that will be retried (the reason is kept), with its evaluation. */
export async function retryModelRun(db: Pool, run: ModelRunRef, message: string): Promise<void> {
  await guarded(
    db,
    'model_run',
    'retry',
    'queued',
    run.id,
    `update model_runs set status = 'queued', error_code = 'PLATFORM_RETRY', error_message = $3 where id = $1 and status = any($2::text[])`,
    [message],
  );
  await retryEvaluation(db, run.evaluation_id, message);
}
