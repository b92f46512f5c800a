/**
 * SQL of re-evaluation runs: a run's candidate evaluations are ordinary `evaluations` rows with its run_id; they
 * replace the published rows (run_id null) only when the run is published.
 */
import type { Run } from '../../contract/review.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import { publishCandidateEvaluations } from '../jobs/status-writer.ts';
import { AGGREGATED_METRICS } from '../jobs/submission-aggregate.ts';

export interface RunRow {
  id: number;
  phase_id: number;
  submission_id: number | null;
  reason: string;
  status: 'running' | 'ready' | 'published' | 'discarded';
  created_by: number | null;
  created_at: Date;
  decided_at: Date | null;
  /** The suites the run scores with when it changes the phase's (migrations/0012_metric_suites.sql). */
  metric_suites: string[] | null;
}

export function runJson(run: RunRow): Run {
  return {
    id: run.id,
    phaseId: run.phase_id,
    submissionId: run.submission_id,
    scope: run.submission_id ? 'submission' : 'phase',
    reason: run.reason,
    status: run.status,
    createdBy: run.created_by,
    createdAt: run.created_at.toISOString(),
    decidedAt: run.decided_at?.toISOString() ?? null,
    metricSuites: run.metric_suites ?? null,
  };
}

export async function runById(db: Pool | PoolClient, id: number, forUpdate = false): Promise<RunRow | undefined> {
  return (await db.query<RunRow>(`select * from evaluation_runs where id = $1${forUpdate ? ' for update' : ''}`, [id])).rows[0];
}

export async function runsOfPhase(db: Pool, phaseId: number): Promise<RunRow[]> {
  return (await db.query<RunRow>('select * from evaluation_runs where phase_id = $1 order by id desc', [phaseId])).rows;
}

/** Undecided runs (running or ready) that already re-evaluate any of these submissions. */
export async function undecidedRunsFor(client: PoolClient, submissionIds: number[]): Promise<number[]> {
  const result = await client.query<{ id: number }>(
    `select distinct r.id from evaluation_runs r join evaluations e on e.run_id = r.id
      where r.status in ('running', 'ready') and e.submission_id = any($1::bigint[]) order by r.id`,
    [submissionIds],
  );
  return result.rows.map((r) => r.id);
}

/** Cases of these submissions' published evaluations whose current gold standard is missing or failed. */
export async function casesWithoutUsableGold(client: PoolClient, submissionIds: number[]): Promise<Array<{ name: string; problem: string }>> {
  const result = await client.query<{ name: string; status: string | null }>(
    `select distinct c.name, g.status from evaluations e join cases c on c.id = e.case_id
       left join gold_standards g on g.case_id = c.id and g.is_current
      where e.run_id is null and e.submission_id = any($1::bigint[]) and (g.id is null or g.status = 'failed')
      order by c.name`,
    [submissionIds],
  );
  return result.rows.map((r) => ({ name: r.name, problem: r.status === 'failed' ? 'its current gold standard failed preparation' : 'it has no current gold standard' }));
}

export async function insertRun(
  client: PoolClient,
  phaseId: number,
  submissionId: number | null,
  reason: string,
  actorId: number,
  metricSuites: string[] | null = null,
): Promise<RunRow> {
  const result = await client.query<RunRow>(
    `insert into evaluation_runs (phase_id, submission_id, reason, status, created_by, metric_suites) values ($1, $2, $3, 'running', $4, $5) returning *`,
    [phaseId, submissionId, reason, actorId, metricSuites],
  );
  return result.rows[0];
}

export interface RunProgress {
  total: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
}

export async function runProgress(db: Pool | PoolClient, runId: number): Promise<RunProgress> {
  const result = await db.query<{ status: keyof RunProgress; n: number }>(
    'select status, count(*)::int as n from evaluations where run_id = $1 group by status',
    [runId],
  );
  const progress: RunProgress = { total: 0, queued: 0, running: 0, done: 0, failed: 0 };
  for (const r of result.rows) {
    progress[r.status] = r.n;
    progress.total += r.n;
  }
  return progress;
}

/** A run whose evaluations have all finished (done or failed) is ready for review. */
export async function markReadyIfFinished(db: Pool, run: RunRow, progress: RunProgress): Promise<RunRow> {
  if (run.status !== 'running' || progress.queued + progress.running > 0) return run;
  const updated = await db.query<RunRow>(`update evaluation_runs set status = 'ready' where id = $1 and status = 'running' returning *`, [run.id]);
  return updated.rows[0] ?? run;
}

export async function decideRun(client: PoolClient, runId: number, status: 'published' | 'discarded'): Promise<RunRow> {
  const result = await client.query<RunRow>('update evaluation_runs set status = $2, decided_at = now() where id = $1 returning *', [runId, status]);
  return result.rows[0];
}

export interface CandidatePair {
  submissionId: number;
  team: { id: number; name: string };
  caseId: number;
  caseName: string;
  candidate: { status: string; metrics: Record<string, unknown> | null; provenance: Record<string, unknown> | null; errorCode: string | null; errorMessage: string | null; errorOwner: string | null };
  published: { status: string; metrics: Record<string, unknown> | null; provenance: Record<string, unknown> | null } | null;
}

/** Each candidate with the published evaluation it would replace (per-branch flags left out). */
export async function candidatePairs(db: Pool | PoolClient, runId: number): Promise<CandidatePair[]> {
  const result = await db.query(
    `select c.submission_id, t.id as team_id, t.name as team_name, c.case_id, cs.name as case_name,
            c.status, c.metrics - 'branch_detected' - 'branch_skeleton_in_pred' as metrics, c.provenance, c.error_code, c.error_message, c.error_owner,
            p.id as published_id, p.status as published_status, p.metrics - 'branch_detected' - 'branch_skeleton_in_pred' as published_metrics,
            p.provenance as published_provenance
       from evaluations c join cases cs on cs.id = c.case_id
       join submissions s on s.id = c.submission_id join teams t on t.id = s.team_id
       left join evaluations p on p.submission_id = c.submission_id and p.case_id = c.case_id and p.run_id is null
      where c.run_id = $1 order by c.submission_id, cs.name`,
    [runId],
  );
  return result.rows.map((r) => ({
    submissionId: r.submission_id,
    team: { id: r.team_id, name: r.team_name },
    caseId: r.case_id,
    caseName: r.case_name,
    candidate: { status: r.status, metrics: r.metrics, provenance: r.provenance, errorCode: r.error_code, errorMessage: r.error_message, errorOwner: r.error_owner },
    published: r.published_id ? { status: r.published_status, metrics: r.published_metrics, provenance: r.published_provenance } : null,
  }));
}

const OFFICIAL_CHANGED = AGGREGATED_METRICS.map((m) => `(p.metrics->'${m}') is distinct from (c.metrics->'${m}')`).join(' or ');

/**
 * Copies the run's candidates over the published evaluations (inserting any that were missing) and returns the
 * affected submissions and how many cases changed an official metric. The published row keeps its id; its
 * provenance records which candidate it came from.
 */
export async function publishCandidates(client: PoolClient, runId: number): Promise<{ submissionIds: number[]; changedCases: number }> {
  const changed = await client.query<{ n: number }>(
    `select count(*)::int as n from evaluations c
       left join evaluations p on p.submission_id = c.submission_id and p.case_id = c.case_id and p.run_id is null
      where c.run_id = $1 and (p.id is null or p.status is distinct from c.status or ${OFFICIAL_CHANGED})`,
    [runId],
  );
  const submissionIds = await publishCandidateEvaluations(client, runId);
  return { submissionIds, changedCases: changed.rows[0].n };
}

/** The published per-case metrics of these submissions (done cases), for recomputing their aggregates. */
export async function publishedMetrics(client: PoolClient, submissionIds: number[]): Promise<Array<{ submissionId: number; metrics: Record<string, unknown> }>> {
  const result = await client.query(
    `select submission_id, metrics - 'branch_detected' - 'branch_skeleton_in_pred' - 'per_generation' as metrics from evaluations
      where run_id is null and status = 'done' and metrics is not null and submission_id = any($1::bigint[])`,
    [submissionIds],
  );
  return result.rows.map((r) => ({ submissionId: r.submission_id, metrics: r.metrics }));
}

/** Sets each submission's aggregate (and marks it done) in one statement. */
export async function setAggregates(client: PoolClient, aggregates: Array<{ submissionId: number; aggregate: unknown }>): Promise<void> {
  if (!aggregates.length) return;
  await client.query(
    `update submissions s set aggregate = v.aggregate, status = 'done', finished_at = coalesce(s.finished_at, now())
       from unnest($1::bigint[], $2::jsonb[]) as v(id, aggregate) where s.id = v.id`,
    [aggregates.map((a) => a.submissionId), aggregates.map((a) => JSON.stringify(a.aggregate))],
  );
}
