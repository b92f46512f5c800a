/** How far the scoring of a challenge has come: gold standards still being prepared, evaluations by state. */
import type { Queryable } from './queryable.ts';

export interface EvaluationProgress {
  readonly goldPending: number;
  readonly evaluationsPending: number;
  readonly evaluationsDone: number;
  readonly evaluationsFailed: number;
}

export async function evaluationProgress(db: Queryable, challengeId: number): Promise<EvaluationProgress> {
  const gold = await db.query<{ n: number }>(
    `select count(*)::int as n from gold_standards g join cases c on c.id = g.case_id join phases p on p.id = c.phase_id
     where p.challenge_id = $1 and g.status in ('queued', 'running')`,
    [challengeId],
  );
  const evaluations = await db.query<{ status: string; n: number }>(
    `select e.status, count(*)::int as n from evaluations e join submissions s on s.id = e.submission_id
     join phases p on p.id = s.phase_id where p.challenge_id = $1 group by e.status`,
    [challengeId],
  );
  const count = (status: string) => evaluations.rows.find((r) => r.status === status)?.n ?? 0;
  return {
    goldPending: gold.rows[0].n,
    evaluationsPending: count('queued') + count('running'),
    evaluationsDone: count('done'),
    evaluationsFailed: count('failed'),
  };
}
