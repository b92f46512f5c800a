/**
 * The model part's SQL: a submission's model (`submission_models`), the phase's model limits, and what the API
 * shows of the model runs that turn each hidden case's CT into a mask. The runs themselves are created and moved
 * through their states by the job lifecycle (server/jobs/status-writer.ts, transitions.ts).
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
