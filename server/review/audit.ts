/**
 * The organisers' audit log: every moderation and re-evaluation decision, written in the transaction that makes
 * the change, listed per challenge (targets are resolved to their challenge through their own tables).
 */
import type { AuditRecord } from '../../contract/review.ts';
import type { Pool, PoolClient } from '../db/pool.ts';

export type AuditTargetType = 'submission' | 'evaluation_run';

export interface AuditEntry {
  actorId: number;
  action: string;
  targetType: AuditTargetType;
  targetId: number;
  reason: string | null;
  details: Record<string, unknown>;
}

export async function writeAudit(client: PoolClient, entry: AuditEntry): Promise<void> {
  await client.query(
    `insert into audit_log (actor_id, action, target_type, target_id, reason, details) values ($1, $2, $3, $4, $5, $6)`,
    [entry.actorId, entry.action, entry.targetType, entry.targetId, entry.reason, JSON.stringify(entry.details)],
  );
}

export type { AuditRecord };

/**
 * The challenge's audit entries, newest first. Targets of other parts of the platform (teams, phases, cases, gold
 * standards, the challenge itself) are included when they name a row of this challenge.
 */
export async function challengeAudit(db: Pool, challengeId: number, limit: number, beforeId?: number): Promise<AuditRecord[]> {
  const result = await db.query(
    `select a.id, a.at, a.actor_id, u.display_name, a.action, a.target_type, a.target_id, a.reason, a.details
       from audit_log a left join users u on u.id = a.actor_id
      where ($3::bigint is null or a.id < $3)
        and case a.target_type
          when 'submission' then exists (select 1 from submissions s join phases p on p.id = s.phase_id
                                          where s.id = a.target_id and p.challenge_id = $1)
          when 'evaluation_run' then exists (select 1 from evaluation_runs r join phases p on p.id = r.phase_id
                                              where r.id = a.target_id and p.challenge_id = $1)
          when 'phase' then exists (select 1 from phases p where p.id = a.target_id and p.challenge_id = $1)
          when 'case' then exists (select 1 from cases c join phases p on p.id = c.phase_id
                                    where c.id = a.target_id and p.challenge_id = $1)
          when 'gold_standard' then exists (select 1 from gold_standards g join cases c on c.id = g.case_id
                                             join phases p on p.id = c.phase_id where g.id = a.target_id and p.challenge_id = $1)
          when 'team' then exists (select 1 from teams t where t.id = a.target_id and t.challenge_id = $1)
          when 'challenge' then a.target_id = $1
          else false
        end
      order by a.id desc limit $2`,
    [challengeId, limit, beforeId ?? null],
  );
  return result.rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor_id ? { id: r.actor_id, displayName: r.display_name } : null,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    reason: r.reason,
    details: r.details,
  }));
}
