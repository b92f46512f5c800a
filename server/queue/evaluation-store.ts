/**
 * The worker's SQL: every state change of an evaluation or a gold-standard preparation is one statement here.
 * Evaluation states: queued → running → done | failed (failed keeps a code, a message the team can act on, and
 * whose fault it was: 'team' for a bad file, 'platform' otherwise — a platform failure gives the quota back).
 */
import type { Pool, PoolClient } from '../db/pool.ts';
import { aggregateCases, type StoredCaseMetrics } from '../submissions/aggregate.ts';
import { submissionStatus } from '../submissions/submission-status.ts';

export interface EvaluationJobRow {
  id: number;
  submission_id: number;
  case_id: number;
  case_name: string;
  run_id: number | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  gold_standard_id: number | null;
  /** null when the case has no prediction file (a model run that produced no mask). */
  pred_sha256: string | null;
  pred_name: string | null;
}

export async function loadEvaluation(db: Pool, evaluationId: number): Promise<EvaluationJobRow | undefined> {
  const result = await db.query<EvaluationJobRow>(
    `select e.id, e.submission_id, e.case_id, c.name as case_name, e.run_id, e.status, e.attempts, e.gold_standard_id,
            f.sha256 as pred_sha256, f.original_name as pred_name
     from evaluations e
     join cases c on c.id = e.case_id
     left join submission_files f on f.submission_id = e.submission_id and f.case_id = e.case_id
     where e.id = $1`,
    [evaluationId],
  );
  return result.rows[0];
}

export interface GoldForScoring {
  id: number;
  version: number;
  sha256: string;
  status: 'queued' | 'running' | 'ready' | 'failed';
  prepared_key: string | null;
  error_message: string | null;
}

/** The gold standard an evaluation is scored against: the one it names, else the case's current one. */
export async function goldForEvaluation(db: Pool, evaluation: EvaluationJobRow): Promise<GoldForScoring | undefined> {
  const result = evaluation.gold_standard_id
    ? await db.query<GoldForScoring>('select id, version, sha256, status, prepared_key, error_message from gold_standards where id = $1', [evaluation.gold_standard_id])
    : await db.query<GoldForScoring>(
        `select id, version, sha256, status, prepared_key, error_message from gold_standards
         where case_id = $1 order by is_current desc, version desc limit 1`,
        [evaluation.case_id],
      );
  return result.rows[0];
}

export async function markEvaluationRunning(db: Pool, evaluationId: number, worker: string): Promise<void> {
  await db.query(
    `update evaluations set status = 'running', attempts = attempts + 1, started_at = now(), heartbeat_at = now(),
       worker = $2, progress = '{"stage": "reading"}', error_code = null, error_message = null, error_owner = null
     where id = $1`,
    [evaluationId, worker],
  );
  await db.query(
    `update submissions s set status = 'running' from evaluations e
     where e.id = $1 and s.id = e.submission_id and e.run_id is null and s.status = 'queued'`,
    [evaluationId],
  );
}

export async function reportProgress(db: Pool, evaluationId: number, stage: string): Promise<void> {
  await db.query(`update evaluations set heartbeat_at = now(), progress = jsonb_build_object('stage', $2::text) where id = $1`, [evaluationId, stage]);
}

/** Back to queued after a platform fault that will be retried (keeps the reason for the record). */
export async function markEvaluationRetrying(db: Pool, evaluationId: number, message: string): Promise<void> {
  await db.query(
    `update evaluations set status = 'queued', progress = null, error_code = 'PLATFORM_RETRY', error_message = $2, error_owner = 'platform'
     where id = $1 and status <> 'done'`,
    [evaluationId, message],
  );
}

/** Recomputes a published submission's status and aggregate; call in the transaction that changed a case. */
export async function refreshSubmission(client: PoolClient, submissionId: number): Promise<void> {
  await client.query('select id from submissions where id = $1 for update', [submissionId]);
  const cases = (
    await client.query<{ status: 'queued' | 'running' | 'done' | 'failed'; metrics: StoredCaseMetrics | null; error_owner: string | null }>(
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

export async function markEvaluationDone(
  client: PoolClient,
  evaluation: EvaluationJobRow,
  goldId: number,
  metrics: object,
  provenance: object,
): Promise<void> {
  await client.query(
    `update evaluations set status = 'done', metrics = $2, provenance = $3, gold_standard_id = $4, finished_at = now(),
       progress = '{"stage": "done"}', heartbeat_at = now(), error_code = null, error_message = null, error_owner = null
     where id = $1`,
    [evaluation.id, metrics, provenance, goldId],
  );
  if (evaluation.run_id === null) await refreshSubmission(client, evaluation.submission_id);
}

export async function markEvaluationFailed(
  client: PoolClient,
  evaluation: Pick<EvaluationJobRow, 'id' | 'submission_id' | 'run_id'>,
  owner: 'team' | 'platform',
  code: string,
  message: string,
): Promise<void> {
  await client.query(
    `update evaluations set status = 'failed', error_code = $2, error_message = $3, error_owner = $4, finished_at = now(),
       progress = null
     where id = $1`,
    [evaluation.id, code, message, owner],
  );
  if (evaluation.run_id === null) await refreshSubmission(client, evaluation.submission_id);
}

// ---- gold standards ----

export interface GoldJobRow {
  id: number;
  case_id: number;
  case_name: string;
  version: number;
  sha256: string;
  file_name: string;
  status: 'queued' | 'running' | 'ready' | 'failed';
}

export async function loadGoldJob(db: Pool, goldId: number): Promise<GoldJobRow | undefined> {
  return (
    await db.query<GoldJobRow>(
      `select g.id, g.case_id, c.name as case_name, g.version, g.sha256, g.file_name, g.status
       from gold_standards g join cases c on c.id = g.case_id where g.id = $1`,
      [goldId],
    )
  ).rows[0];
}
