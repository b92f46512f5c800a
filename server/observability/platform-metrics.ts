/**
 * Metrics read from the database, so any server process reports the work of every worker process on every
 * machine: jobs waiting and running per queue, evaluations and submissions by state, and the histogram of
 * scoring times (provenance.runMs of every finished evaluation — cumulative, as Prometheus expects), and the mail
 * outbox: mails waiting for their first attempt, waiting for a retry, and given up.
 */
import type { Pool } from '../db/pool.ts';
import { QUEUE_NAMES, type JobQueue } from '../jobs/job-queue.ts';
import { mailOutboxCounts } from '../mail/outbox-store.ts';

/** Upper bounds of the scoring-time histogram, in seconds (a full-size case takes seconds to minutes). */
export const EVALUATION_SECONDS_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800] as const;
const EVALUATION_STATES = ['queued', 'running', 'done', 'failed'] as const;
const SUBMISSION_STATES = ['queued', 'running', 'done', 'failed'] as const;

/** A histogram aggregated elsewhere: each upper bound with the cumulative count of observations ≤ it. */
export interface AggregatedHistogram {
  readonly buckets: ReadonlyArray<{ readonly le: number; readonly count: number }>;
  readonly count: number;
  readonly sum: number;
}

export interface PlatformState {
  readonly queueJobs: ReadonlyArray<{ readonly queue: string; readonly waiting: number; readonly active: number }>;
  readonly evaluations: ReadonlyMap<string, number>;
  readonly submissions: ReadonlyMap<string, number>;
  readonly evaluationSeconds: AggregatedHistogram;
  readonly mails: { readonly queued: number; readonly retrying: number; readonly failed: number };
}

async function countsByStatus(db: Pool, table: 'evaluations' | 'submissions', states: readonly string[]): Promise<Map<string, number>> {
  const rows = (await db.query<{ status: string; n: number }>(`select status, count(*)::float8 as n from ${table} group by status`)).rows;
  const counts = new Map(rows.map((r) => [r.status, Number(r.n)]));
  return new Map([...new Set([...states, ...counts.keys()])].map((status) => [status, counts.get(status) ?? 0]));
}

async function evaluationSeconds(db: Pool): Promise<AggregatedHistogram> {
  const result = await db.query<{ count: number; sum: number; buckets: number[] }>(
    `with d as (
       select (provenance->>'runMs')::float8 / 1000 as s from evaluations
       where status = 'done' and jsonb_typeof(provenance->'runMs') = 'number'
     )
     select (select count(*) from d)::float8 as count,
            (select coalesce(sum(s), 0) from d)::float8 as sum,
            array(select count(d.s)::float8 from unnest($1::float8[]) with ordinality as b(le, i)
                  left join d on d.s <= b.le group by b.i order by b.i) as buckets`,
    [EVALUATION_SECONDS_BUCKETS],
  );
  const row = result.rows[0];
  return {
    buckets: EVALUATION_SECONDS_BUCKETS.map((le, i) => ({ le, count: Number(row.buckets[i]) })),
    count: Number(row.count),
    sum: Number(row.sum),
  };
}

export async function platformState(db: Pool, queue: JobQueue): Promise<PlatformState> {
  const queues = Object.values(QUEUE_NAMES);
  const depths = await Promise.all(queues.map((name) => queue.depth(name)));
  return {
    queueJobs: queues.map((name, i) => ({ queue: name, waiting: depths[i].waiting, active: depths[i].active })),
    evaluations: await countsByStatus(db, 'evaluations', EVALUATION_STATES),
    submissions: await countsByStatus(db, 'submissions', SUBMISSION_STATES),
    evaluationSeconds: await evaluationSeconds(db),
    mails: await mailOutboxCounts(db),
  };
}
