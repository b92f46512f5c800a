/**
 * The demo seed's own SQL: the look-ups that make it idempotent and the reset. Everything it creates goes
 * through the platform's services and stores (server/challenges, server/teams, server/submissions).
 */
import type { UserRow } from '../../server/auth/store.ts';
import type { Pool } from '../../server/db/pool.ts';
import { DEMO_SEEDED_ACTION } from './demo-content.ts';

export async function firstAdmin(db: Pool): Promise<UserRow | undefined> {
  return (await db.query<UserRow>('select * from users where is_admin order by id limit 1')).rows[0];
}

export async function challengeCount(db: Pool): Promise<number> {
  return (await db.query<{ n: number }>('select count(*)::int as n from challenges')).rows[0].n;
}

export async function challengeIdBySlug(db: Pool, slug: string): Promise<number | undefined> {
  return (await db.query<{ id: number }>('select id from challenges where slug = $1', [slug])).rows[0]?.id;
}

export async function isMarkedSeeded(db: Pool, challengeId: number): Promise<boolean> {
  const result = await db.query(`select 1 from audit_log where action = $1 and target_type = 'challenge' and target_id = $2`, [DEMO_SEEDED_ACTION, challengeId]);
  return (result.rowCount ?? 0) > 0;
}

/** Notes of a team's submissions in a phase (demo submissions are recognised by theirs). */
export async function submissionNotes(db: Pool, phaseId: number, teamId: number): Promise<Set<string>> {
  const result = await db.query<{ note: string | null }>('select note from submissions where phase_id = $1 and team_id = $2', [phaseId, teamId]);
  return new Set(result.rows.map((r) => r.note ?? ''));
}

/** Deletes the challenge with everything in it (phases, cases, teams, submissions cascade); accounts stay. */
export async function deleteChallenge(db: Pool, challengeId: number): Promise<void> {
  await db.query('delete from challenges where id = $1', [challengeId]);
}
