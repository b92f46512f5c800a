/** SQL of the organisers' review: submissions of a phase with their per-case results, hide and disqualify. */
import type { FailureCode } from '../../contract/error-codes.ts';
import type { ReviewedCase, ReviewedSubmission } from '../../contract/review.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import type { SubmissionAggregate } from '../jobs/submission-aggregate.ts';

export interface SubmissionRow {
  id: number;
  phase_id: number;
  team_id: number;
  submitted_by: number;
  status: 'queued' | 'running' | 'done' | 'failed';
  counts_toward_quota: boolean;
  warnings: unknown;
  hidden: boolean;
  hidden_reason: string | null;
  disqualified: boolean;
  disqualified_reason: string | null;
  aggregate: SubmissionAggregate | null;
  created_at: Date;
  finished_at: Date | null;
}

export async function submissionById(db: Pool | PoolClient, id: number): Promise<SubmissionRow | undefined> {
  return (await db.query<SubmissionRow>('select * from submissions where id = $1', [id])).rows[0];
}

export type { ReviewedCase, ReviewedSubmission };

/** Every submission of the phase, newest first, with its published per-case results: two queries. */
export async function reviewSubmissions(db: Pool, phaseId: number): Promise<ReviewedSubmission[]> {
  const submissions = await db.query(
    `select s.*, t.name as team_name, u.display_name as submitter_name
       from submissions s join teams t on t.id = s.team_id join users u on u.id = s.submitted_by
      where s.phase_id = $1 order by s.created_at desc, s.id desc`,
    [phaseId],
  );
  // per-branch flags are for the viewer; the table does not need them
  const cases = await db.query(
    `select e.id as evaluation_id, e.submission_id, e.case_id, c.name as case_name, e.status, e.attempts, e.metrics - 'branch_detected' - 'branch_skeleton_in_pred' as metrics,
            e.error_code, e.error_message, e.error_owner, e.provenance, e.finished_at
       from evaluations e join submissions s on s.id = e.submission_id join cases c on c.id = e.case_id
      where s.phase_id = $1 and e.run_id is null order by c.name`,
    [phaseId],
  );
  const byId = new Map<number, ReviewedSubmission>();
  const list = submissions.rows.map((r) => {
    const s: ReviewedSubmission = {
      id: r.id,
      team: { id: r.team_id, name: r.team_name },
      submittedBy: { id: r.submitted_by, displayName: r.submitter_name },
      status: r.status,
      createdAt: r.created_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
      countsTowardQuota: r.counts_toward_quota,
      warnings: r.warnings,
      hidden: r.hidden,
      hiddenReason: r.hidden_reason,
      disqualified: r.disqualified,
      disqualifiedReason: r.disqualified_reason,
      aggregate: r.aggregate,
      cases: [],
    };
    byId.set(s.id, s);
    return s;
  });
  for (const e of cases.rows) {
    byId.get(e.submission_id)?.cases.push({
      evaluationId: e.evaluation_id,
      caseId: e.case_id,
      case: e.case_name,
      status: e.status,
      attempts: e.attempts,
      metrics: e.metrics,
      error: e.error_code || e.error_message ? { code: e.error_code as FailureCode | null, message: e.error_message, owner: e.error_owner } : null,
      provenance: e.provenance,
      finishedAt: e.finished_at?.toISOString() ?? null,
    });
  }
  return list;
}

export type ModerationFlag = 'hidden' | 'disqualified';

/** Sets hidden or disqualified with its reason (cleared when lifting it); returns the row as it was before. */
export async function setModerationFlag(client: PoolClient, id: number, flag: ModerationFlag, value: boolean, reason: string | null): Promise<SubmissionRow | undefined> {
  const before = (await client.query<SubmissionRow>('select * from submissions where id = $1 for update', [id])).rows[0];
  if (!before) return undefined;
  const sql =
    flag === 'hidden'
      ? 'update submissions set hidden = $2, hidden_reason = $3 where id = $1'
      : 'update submissions set disqualified = $2, disqualified_reason = $3 where id = $1';
  await client.query(sql, [id, value, value ? reason : null]);
  return before;
}
