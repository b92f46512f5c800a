/** Finding a challenge, a phase, or a user's team in a challenge; a missing challenge or phase is NOT_FOUND. */
import { AppError } from '../errors.ts';
import type { Pool } from '../db/pool.ts';
import type { ChallengeRow, PhaseRow, TeamRow } from './rows.ts';

export async function challengeBySlug(db: Pool, slug: string): Promise<ChallengeRow> {
  const row = (await db.query<ChallengeRow>('select * from challenges where slug = $1', [slug])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `no challenge "${slug}"`);
  return row;
}

export async function challengeById(db: Pool, id: number): Promise<ChallengeRow> {
  const row = (await db.query<ChallengeRow>('select * from challenges where id = $1', [id])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `no challenge ${id}`);
  return row;
}

export async function phaseById(db: Pool, id: number): Promise<PhaseRow> {
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('NOT_FOUND', `no phase ${id}`);
  const row = (await db.query<PhaseRow>('select * from phases where id = $1', [id])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `no phase ${id}`);
  return row;
}

/** The user's team in a challenge, with their agreement status; undefined when they have none. */
export async function teamOfUser(
  db: Pool,
  challengeId: number,
  userId: number,
): Promise<(TeamRow & { agreement_accepted_at: Date | null }) | undefined> {
  const result = await db.query<TeamRow & { agreement_accepted_at: Date | null }>(
    `select t.*, m.agreement_accepted_at from team_members m join teams t on t.id = m.team_id
     where m.challenge_id = $1 and m.user_id = $2`,
    [challengeId, userId],
  );
  return result.rows[0];
}
