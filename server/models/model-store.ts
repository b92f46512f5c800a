/**
 * The model part's SQL: a submission's model (`submission_models`), the model runs that turn each hidden case's
 * CT into a mask (`model_runs`), the phase's model limits, and the evaluation-row updates a model run makes while
 * it works (progress) and when it hands the case over to scoring. Model-run states: queued → running → done |
 * failed; a platform fault that will be retried puts it back to queued.
 */
import type { ModelLimits } from '../../contract/phases.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import type { ModelManifest } from './manifest.ts';

type Db = Pool | PoolClient;

/** A model phase's limits in the one spelling the wire uses (`phase.modelLimits`). */
export type { ModelLimits };

export async function modelLimitsOf(db: Db, phaseId: number): Promise<ModelLimits> {
  const row = (
    await db.query<{ model_max_bytes: number; model_time_limit_s: number; model_memory_limit_mb: number }>(
      'select model_max_bytes, model_time_limit_s, model_memory_limit_mb from phases where id = $1',
      [phaseId],
    )
  ).rows[0];
  return { maxBytes: Number(row.model_max_bytes), timeLimitPerCaseS: row.model_time_limit_s, memoryLimitPerCaseMb: row.model_memory_limit_mb };
}

export async function insertSubmissionModel(
  client: PoolClient,
  submissionId: number,
  model: { sha256: string; originalName: string; manifest: ModelManifest; summary: object },
): Promise<void> {
  await client.query('insert into submission_models (submission_id, sha256, original_name, manifest, summary) values ($1, $2, $3, $4, $5)', [
    submissionId,
    model.sha256,
    model.originalName,
    JSON.stringify(model.manifest),
    JSON.stringify(model.summary),
  ]);
}

/** One queued model run per evaluation, in the given order; returns their ids. */
export async function insertModelRuns(client: PoolClient, evaluationIds: readonly number[]): Promise<number[]> {
  const result = await client.query<{ id: number }>(
    `insert into model_runs (evaluation_id)
     select e.id from unnest($1::bigint[]) with ordinality as e(id, n) order by e.n
     returning id`,
    [evaluationIds],
  );
  return result.rows.map((r) => r.id);
}

export interface SubmissionModelRow {
  submission_id: number;
  sha256: string;
  original_name: string;
  manifest: ModelManifest;
  summary: Record<string, unknown>;
}

export async function submissionModel(db: Db, submissionId: number): Promise<SubmissionModelRow | undefined> {
  return (await db.query<SubmissionModelRow>('select * from submission_models where submission_id = $1', [submissionId])).rows[0];
}

export interface ModelRunView {
  case_name: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  patches_done: number | null;
  patches_total: number | null;
  provider: string | null;
  run_ms: number | null;
  peak_memory_mb: number | null;
  error_code: string | null;
  error_message: string | null;
}

export async function modelRunsOfSubmission(db: Db, submissionId: number): Promise<ModelRunView[]> {
  const result = await db.query<ModelRunView>(
    `select c.name as case_name, r.status, r.attempts, r.patches_done, r.patches_total, r.provider, r.run_ms, r.peak_memory_mb,
            r.error_code, r.error_message
     from model_runs r join evaluations e on e.id = r.evaluation_id join cases c on c.id = e.case_id
     where e.submission_id = $1 and e.run_id is null
     order by c.name`,
    [submissionId],
  );
  return result.rows;
}

/** Everything a model-run job needs, in one read. */
export interface ModelRunJobRow {
  id: number;
  status: 'queued' | 'running' | 'done' | 'failed';
  evaluation_id: number;
  evaluation_status: 'queued' | 'running' | 'done' | 'failed';
  submission_id: number;
  run_id: number | null;
  case_id: number;
  case_name: string;
  ct_sha256: string;
  ct_file_name: string;
  model_sha256: string;
  manifest: ModelManifest;
  model_time_limit_s: number;
  model_memory_limit_mb: number;
  has_mask: boolean;
}

export async function loadModelRun(db: Db, modelRunId: number): Promise<ModelRunJobRow | undefined> {
  const result = await db.query<ModelRunJobRow>(
    `select r.id, r.status, r.evaluation_id, e.status as evaluation_status, e.submission_id, e.run_id, e.case_id,
            c.name as case_name, c.ct_sha256, c.ct_file_name, m.sha256 as model_sha256, m.manifest,
            p.model_time_limit_s, p.model_memory_limit_mb,
            exists (select 1 from submission_files f where f.submission_id = e.submission_id and f.case_id = e.case_id) as has_mask
     from model_runs r
     join evaluations e on e.id = r.evaluation_id
     join cases c on c.id = e.case_id
     join submission_models m on m.submission_id = e.submission_id
     join submissions s on s.id = e.submission_id
     join phases p on p.id = s.phase_id
     where r.id = $1`,
    [modelRunId],
  );
  return result.rows[0];
}

export async function markModelRunRunning(db: Pool, run: ModelRunJobRow, worker: string): Promise<void> {
  await db.query(
    `update model_runs set status = 'running', attempts = attempts + 1, started_at = now(), patches_done = 0, patches_total = null,
       error_code = null, error_message = null
     where id = $1`,
    [run.id],
  );
  await db.query(
    `update evaluations set status = 'running', started_at = now(), heartbeat_at = now(), worker = $2,
       progress = '{"stage": "inference", "patchesDone": 0}', error_code = null, error_message = null, error_owner = null
     where id = $1`,
    [run.evaluation_id, worker],
  );
  await db.query(
    `update submissions set status = 'running' where id = $1 and status = 'queued' and $2::bigint is null`,
    [run.submission_id, run.run_id],
  );
}

export async function reportInferenceProgress(db: Pool, run: ModelRunJobRow, done: number, total: number): Promise<void> {
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
export async function markModelRunDone(client: PoolClient, run: ModelRunJobRow, finished: FinishedRun): Promise<void> {
  await client.query(
    `insert into submission_files (submission_id, case_id, sha256, original_name) values ($1, $2, $3, $4)
     on conflict (submission_id, case_id) do nothing`,
    [run.submission_id, run.case_id, finished.maskSha256, `${run.case_name}.nii.gz`],
  );
  await client.query(
    `update model_runs set status = 'done', finished_at = now(), mask_sha256 = $2, provider = $3, run_ms = $4, peak_memory_mb = $5,
       patches_done = $6, patches_total = $6, error_code = null, error_message = null
     where id = $1`,
    [run.id, finished.maskSha256, finished.provider, finished.runMs, finished.peakMemoryMb, finished.patches],
  );
  await client.query(
    `update evaluations set status = 'queued', queued_at = now(), heartbeat_at = now(),
       progress = jsonb_build_object('stage', 'inferred', 'patchesDone', $2::int, 'patchesTotal', $2::int)
     where id = $1`,
    [run.evaluation_id, finished.patches],
  );
}

export async function markModelRunFailed(client: PoolClient, run: ModelRunJobRow, failure: { code: string; message: string; peakMemoryMb?: number; runMs?: number }): Promise<void> {
  await client.query(
    `update model_runs set status = 'failed', finished_at = now(), error_code = $2, error_message = $3,
       peak_memory_mb = coalesce($4, peak_memory_mb), run_ms = coalesce($5, run_ms)
     where id = $1`,
    [run.id, failure.code, failure.message, failure.peakMemoryMb ?? null, failure.runMs ?? null],
  );
}

/** Back to queued after a platform fault that will be retried (the reason is kept). */
export async function markModelRunRetrying(db: Pool, run: ModelRunJobRow, message: string): Promise<void> {
  await db.query(`update model_runs set status = 'queued', error_code = 'PLATFORM_RETRY', error_message = $2 where id = $1`, [run.id, message]);
  await db.query(
    `update evaluations set status = 'queued', progress = null, error_code = 'PLATFORM_RETRY', error_message = $2, error_owner = 'platform'
     where id = $1 and status <> 'done'`,
    [run.evaluation_id, message],
  );
}
