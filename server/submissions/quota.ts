/**
 * The submission quota of a team in a phase, explicit and shown to the team. What counts: the team's
 * submissions in the phase with `counts_toward_quota` (every accepted upload, unless it failed because of the
 * platform); rejected uploads never become submissions. Limits: `daily_limit` in any rolling 24 hours, and
 * `total_limit` (if set) over the phase. Times come from the database clock, like `created_at`.
 */
import type { Quota as WireQuota } from '../../contract/submissions.ts';
import { AppError } from '../errors.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import type { PhaseRow } from '../challenges/rows.ts';

const DAY_MS = 24 * 3600 * 1000;

/** A team's quota in a phase, as the wire has it (contract/submissions.ts). */
export type Quota = WireQuota;

export function quotaRule(dailyLimit: number, totalLimit: number | null): string {
  const total = totalLimit === null ? 'with no total limit in this phase' : `and at most ${totalLimit} in total in this phase`;
  return (
    `Each accepted submission counts, whatever its scores, except one that failed because of a platform fault; ` +
    `uploads rejected by validation do not count. A team may make at most ${dailyLimit} in any 24 hours ` +
    `(a rolling window, not a calendar day) ${total}.`
  );
}

/** Pure: the quota from the counted submissions' times within the last 24 hours (ascending) and the total. */
export function computeQuota(
  limits: Pick<PhaseRow, 'daily_limit' | 'total_limit'>,
  recent: readonly Date[],
  usedTotal: number,
): Quota {
  const used = recent.length;
  // the slot that must leave the window before one more fits (the oldest when under the limit)
  const freeing = recent[Math.max(0, used - limits.daily_limit)];
  return {
    dailyLimit: limits.daily_limit,
    usedLast24h: used,
    remainingToday: Math.max(0, limits.daily_limit - used),
    nextFreeAt: freeing ? new Date(freeing.getTime() + DAY_MS).toISOString() : null,
    totalLimit: limits.total_limit,
    usedTotal,
    remainingTotal: limits.total_limit === null ? null : Math.max(0, limits.total_limit - usedTotal),
    rule: quotaRule(limits.daily_limit, limits.total_limit),
  };
}

export async function quotaOf(db: Pool | PoolClient, phase: PhaseRow, teamId: number): Promise<Quota> {
  const recent = await db.query<{ created_at: Date }>(
    `select created_at from submissions
     where phase_id = $1 and team_id = $2 and counts_toward_quota and created_at > now() - interval '24 hours'
     order by created_at`,
    [phase.id, teamId],
  );
  const total = await db.query<{ n: number }>(
    'select count(*)::int as n from submissions where phase_id = $1 and team_id = $2 and counts_toward_quota',
    [phase.id, teamId],
  );
  return computeQuota(phase, recent.rows.map((r) => r.created_at), total.rows[0].n);
}

/** Throws 429 QUOTA_EXCEEDED saying when the next submission frees up (or that none will). */
export function requireQuotaLeft(quota: Quota, teamName: string, phaseName: string): void {
  if (quota.remainingTotal === 0) {
    throw new AppError(
      'QUOTA_EXCEEDED',
      `team "${teamName}" has used all ${quota.totalLimit} submissions of phase "${phaseName}"; no more can be made in this phase`,
      quota,
    );
  }
  if (quota.remainingToday === 0) {
    throw new AppError(
      'QUOTA_EXCEEDED',
      `team "${teamName}" has made ${quota.usedLast24h} submissions in the last 24 hours, the limit of phase "${phaseName}"; ` +
        `the next one frees up at ${quota.nextFreeAt} (UTC)`,
      quota,
    );
  }
}
