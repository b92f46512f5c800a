/**
 * Who may do what in a challenge. Platform admins may do everything; a challenge's organisers run it; a
 * participant acts through their team (one team per participant per challenge).
 */
import { AppError } from '../errors.ts';
import type { Pool } from '../db/pool.ts';
import type { UserRow } from '../auth/store.ts';
import { teamOfUser } from './lookups.ts';
import type { ChallengeRow, TeamRow } from './rows.ts';

export async function isOrganiser(db: Pool, challengeId: number, user: UserRow | undefined): Promise<boolean> {
  if (!user || user.email_verified_at === null) return false; // an unverified address never organises
  if (user.is_admin) return true;
  const result = await db.query('select 1 from challenge_organisers where challenge_id = $1 and user_id = $2', [challengeId, user.id]);
  return (result.rowCount ?? 0) > 0;
}

export async function requireOrganiser(db: Pool, challengeId: number, user: UserRow): Promise<void> {
  if (!(await isOrganiser(db, challengeId, user))) {
    throw new AppError('FORBIDDEN', 'only the organisers of this challenge may do this');
  }
}

/**
 * The team a participant acts for, checked for what downloads and submissions need: an accepted participation
 * and, when the challenge has one, the data-use agreement accepted by this member.
 */
export async function requireActiveTeam(db: Pool, challenge: ChallengeRow, user: UserRow): Promise<TeamRow> {
  const team = await teamOfUser(db, challenge.id, user.id);
  if (!team) throw new AppError('FORBIDDEN', `join or create a team in "${challenge.slug}" first`);
  if (team.status === 'pending') throw new AppError('FORBIDDEN', `team "${team.name}" awaits the organisers' acceptance`);
  if (team.status === 'rejected') {
    throw new AppError('FORBIDDEN', `team "${team.name}" was not accepted${team.status_reason ? `: ${team.status_reason}` : ''}`);
  }
  if (challenge.data_agreement && !team.agreement_accepted_at) {
    throw new AppError('FORBIDDEN', `accept the data-use agreement of "${challenge.slug}" first (POST /api/challenges/${challenge.slug}/agreement)`);
  }
  return team;
}
