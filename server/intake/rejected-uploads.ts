/**
 * Rejected uploads are not free: each one was received, stored in scratch and checked. A team's uploads refused
 * after receiving (413 too large, 422 invalid) are counted, and past REJECTED_UPLOADS_PER_HOUR in the last hour its
 * next upload gets 429 before a byte is received. The pre-check in the browser and `carina submit` catches most
 * mistakes before they are sent, so an honest team rarely comes near the limit.
 */
import type { Pool } from '../db/pool.ts';
import { AppError } from '../errors.ts';

const COUNTED = new Set(['PAYLOAD_TOO_LARGE', 'VALIDATION_FAILED']);

/** Records the refusal when it is one that counts; never fails the request it is called from. */
export async function recordRejectedUpload(db: Pool, teamId: number, phaseId: number, error: unknown): Promise<void> {
  if (!(error instanceof AppError) || !COUNTED.has(error.code)) return;
  await db.query('insert into rejected_uploads (team_id, phase_id, code) values ($1, $2, $3)', [teamId, phaseId, error.code]).catch(() => undefined);
}

export async function requireFewRejections(db: Pool, team: { id: number; name: string }, perHour: number): Promise<void> {
  const { rows } = await db.query<{ n: number; next: Date | null }>(
    `select count(*)::int as n, min(rejected_at) + interval '1 hour' as next
     from rejected_uploads where team_id = $1 and rejected_at > now() - interval '1 hour'`,
    [team.id],
  );
  if (rows[0].n >= perHour) {
    throw new AppError(
      'RATE_LIMITED',
      `team "${team.name}" had ${rows[0].n} uploads rejected in the last hour, the most allowed; check the files first (the submit page and carina submit do) and try again after ${rows[0].next?.toISOString()}`,
    );
  }
}
