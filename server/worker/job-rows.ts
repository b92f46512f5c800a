/**
 * What the worker's handlers read before they act: an evaluation with its prediction file, the gold standard it
 * is scored against, a gold standard to prepare, a model run with its model, CT and limits. Reads only; every
 * status change goes through status-writer.ts.
 */
import type { Pool, PoolClient } from '../db/pool.ts';
import type { ModelManifest } from '../models/manifest.ts';
import type { EvaluationStatus, ModelRunStatus } from '../jobs/transitions.ts';

type Db = Pool | PoolClient;

export interface EvaluationJobRow {
  id: number;
  submission_id: number;
  case_id: number;
  case_name: string;
  run_id: number | null;
  status: EvaluationStatus;
  attempts: number;
  gold_standard_id: number | null;
  /** null when the case has no prediction file (a model run that produced no mask). */
  pred_sha256: string | null;
  pred_name: string | null;
  /** The suites to score with: the re-evaluation run's when it names some, else the phase's. */
  metric_suites: string[];
}

export async function loadEvaluation(db: Db, evaluationId: number): Promise<EvaluationJobRow | undefined> {
  const result = await db.query<EvaluationJobRow>(
    `select e.id, e.submission_id, e.case_id, c.name as case_name, e.run_id, e.status, e.attempts, e.gold_standard_id,
            f.sha256 as pred_sha256, f.original_name as pred_name, coalesce(r.metric_suites, p.metric_suites) as metric_suites
     from evaluations e
     join cases c on c.id = e.case_id
     join phases p on p.id = c.phase_id
     left join evaluation_runs r on r.id = e.run_id
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
export async function goldForEvaluation(db: Db, evaluation: Pick<EvaluationJobRow, 'gold_standard_id' | 'case_id'>): Promise<GoldForScoring | undefined> {
  const result = evaluation.gold_standard_id
    ? await db.query<GoldForScoring>('select id, version, sha256, status, prepared_key, error_message from gold_standards where id = $1', [evaluation.gold_standard_id])
    : await db.query<GoldForScoring>(
        `select id, version, sha256, status, prepared_key, error_message from gold_standards
         where case_id = $1 order by is_current desc, version desc limit 1`,
        [evaluation.case_id],
      );
  return result.rows[0];
}

export interface GoldJobRow {
  id: number;
  case_id: number;
  case_name: string;
  version: number;
  sha256: string;
  file_name: string;
  status: 'queued' | 'running' | 'ready' | 'failed';
}

export async function loadGoldJob(db: Db, goldId: number): Promise<GoldJobRow | undefined> {
  return (
    await db.query<GoldJobRow>(
      `select g.id, g.case_id, c.name as case_name, g.version, g.sha256, g.file_name, g.status
       from gold_standards g join cases c on c.id = g.case_id where g.id = $1`,
      [goldId],
    )
  ).rows[0];
}

/** Everything a model-run job needs, in one read. */
export interface ModelRunJobRow {
  id: number;
  status: ModelRunStatus;
  evaluation_id: number;
  evaluation_status: EvaluationStatus;
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
