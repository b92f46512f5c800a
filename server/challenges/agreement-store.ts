/**
 * SQL for members' acceptance of a challenge's data-use agreement (team_members.agreement_accepted_at): the
 * challenge owns its agreement, so accepting and resetting it live here, beside the challenge.
 */
import type { Queryable } from './queryable.ts';

/** Records that a member accepted the challenge's data-use agreement; undefined when they are in no team there. */
export async function recordAgreement(db: Queryable, challengeId: number, userId: number): Promise<Date | undefined> {
  const result = await db.query<{ agreement_accepted_at: Date }>(
    `update team_members set agreement_accepted_at = coalesce(agreement_accepted_at, now())
     where challenge_id = $1 and user_id = $2 returning agreement_accepted_at`,
    [challengeId, userId],
  );
  return result.rows[0]?.agreement_accepted_at;
}

/** Forgets every acceptance in a challenge (its agreement text changed, so members must accept the new one). */
export async function clearAgreements(db: Queryable, challengeId: number): Promise<void> {
  await db.query('update team_members set agreement_accepted_at = null where challenge_id = $1', [challengeId]);
}
