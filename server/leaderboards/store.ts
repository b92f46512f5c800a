/** SQL read by the leaderboard: a phase's evaluated submissions with their team, in one query. */
import type { Pool, PoolClient } from '../db/pool.ts';
import type { SubmissionAggregate } from '../jobs/submission-aggregate.ts';
import type { RankableSubmission } from './rank.ts';

export interface LeaderboardSubmission extends RankableSubmission {
  hiddenReason: string | null;
  disqualifiedReason: string | null;
}

interface Row {
  id: number;
  team_id: number;
  team_name: string;
  created_at: Date;
  status: string;
  hidden: boolean;
  hidden_reason: string | null;
  disqualified: boolean;
  disqualified_reason: string | null;
  aggregate: SubmissionAggregate | null;
}

export function toLeaderboardSubmission(r: Row): LeaderboardSubmission {
  return {
    submissionId: r.id,
    team: { id: r.team_id, name: r.team_name },
    submittedAt: r.created_at,
    status: r.status,
    hidden: r.hidden,
    hiddenReason: r.hidden_reason,
    disqualified: r.disqualified,
    disqualifiedReason: r.disqualified_reason,
    aggregate: r.aggregate,
  };
}

const SELECT_SUBMISSIONS = `select s.id, s.team_id, t.name as team_name, s.created_at, s.status, s.hidden, s.hidden_reason,
       s.disqualified, s.disqualified_reason, s.aggregate
  from submissions s join teams t on t.id = s.team_id`;

/**
 * The phase's evaluated submissions ('done' with an aggregate); without `includeExcluded`, only those neither
 * hidden nor disqualified.
 */
export async function evaluatedSubmissions(db: Pool | PoolClient, phaseId: number, includeExcluded: boolean): Promise<LeaderboardSubmission[]> {
  const result = await db.query<Row>(
    `${SELECT_SUBMISSIONS}
      where s.phase_id = $1 and s.status = 'done' and s.aggregate is not null
        and ($2 or (not s.hidden and not s.disqualified))
      order by s.created_at, s.id`,
    [phaseId, includeExcluded],
  );
  return result.rows.map(toLeaderboardSubmission);
}

/** The given submissions in any state (a re-evaluation may bring a failed one onto the leaderboard). */
export async function submissionsByIds(db: Pool | PoolClient, ids: number[]): Promise<LeaderboardSubmission[]> {
  const result = await db.query<Row>(`${SELECT_SUBMISSIONS} where s.id = any($1::bigint[]) order by s.created_at, s.id`, [ids]);
  return result.rows.map(toLeaderboardSubmission);
}

/**
 * Per-case metrics of the given submissions' published evaluations, keyed by submission id then case name
 * (null for a case that is not done); the phase's case names, sorted, for the table's columns.
 */
export async function caseMetricsOf(
  db: Pool | PoolClient,
  phaseId: number,
  submissionIds: readonly number[],
): Promise<{ cases: string[]; bySubmission: Map<number, Record<string, Record<string, unknown> | null>> }> {
  const cases = (await db.query<{ name: string }>('select name from cases where phase_id = $1 order by name', [phaseId])).rows.map((r) => r.name);
  const rows = await db.query<{ submission_id: string; name: string; status: string; metrics: Record<string, unknown> | null }>(
    `select e.submission_id, c.name, e.status, e.metrics
       from evaluations e join cases c on c.id = e.case_id
      where e.submission_id = any($1::bigint[]) and e.run_id is null`,
    [submissionIds],
  );
  const bySubmission = new Map<number, Record<string, Record<string, unknown> | null>>(submissionIds.map((id) => [id, {}]));
  for (const r of rows.rows) bySubmission.get(Number(r.submission_id))![r.name] = r.status === 'done' ? r.metrics : null;
  return { cases, bySubmission };
}
