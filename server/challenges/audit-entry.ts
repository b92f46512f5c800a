/**
 * Organisers' decisions written to the audit log (migrations/0004_submissions.sql), in the transaction that makes
 * the change. Actions are "<target>.<verb>", e.g. "phase.update", "team.accept".
 */
import type { Queryable } from './queryable.ts';

export interface AuditEntryFields {
  actorId: number;
  action: string;
  targetType: 'challenge' | 'phase' | 'case' | 'gold_standard' | 'team' | 'release';
  targetId: number;
  reason?: string | null;
  details?: unknown;
}

export async function insertAuditEntry(db: Queryable, entry: AuditEntryFields): Promise<void> {
  await db.query(
    'insert into audit_log (actor_id, action, target_type, target_id, reason, details) values ($1, $2, $3, $4, $5, $6)',
    [entry.actorId, entry.action, entry.targetType, entry.targetId, entry.reason ?? null, entry.details === undefined ? null : JSON.stringify(entry.details)],
  );
}

/** Whether the log holds an entry with this action about this target. */
export async function hasAuditEntry(db: Queryable, action: string, targetType: AuditEntryFields['targetType'], targetId: number): Promise<boolean> {
  const result = await db.query('select 1 from audit_log where action = $1 and target_type = $2 and target_id = $3', [action, targetType, targetId]);
  return (result.rowCount ?? 0) > 0;
}
