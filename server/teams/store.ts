/** SQL for teams and their members (migrations/0003_teams.sql). */
import type { TeamRow } from '../challenges/rows.ts';
import type { Queryable } from '../challenges/queryable.ts';
import { AppError } from '../errors.ts';

export interface MemberRow {
  user_id: number;
  display_name: string;
  email: string;
  joined_at: Date;
  agreement_accepted_at: Date | null;
}

/** Throws a unique violation (teams_challenge_id_name_key) when the name is taken in the challenge. */
export async function insertTeam(
  db: Queryable,
  fields: { challengeId: number; name: string; inviteCode: string; captainId: number; status: 'pending' | 'accepted' },
): Promise<TeamRow> {
  const result = await db.query<TeamRow>(
    `insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, $2, $3, $4, $5) returning *`,
    [fields.challengeId, fields.name, fields.inviteCode, fields.captainId, fields.status],
  );
  return result.rows[0];
}

/** Throws a unique violation (team_members_challenge_id_user_id_key) when the user has a team in the challenge. */
export async function insertMember(db: Queryable, team: TeamRow, userId: number): Promise<void> {
  await db.query('insert into team_members (team_id, user_id, challenge_id) values ($1, $2, $3)', [team.id, userId, team.challenge_id]);
}

export async function teamById(db: Queryable, id: number): Promise<TeamRow> {
  const row = (await db.query<TeamRow>('select * from teams where id = $1', [id])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `no team ${id}`);
  return row;
}

/** The team row, locked until the end of the transaction (membership changes one at a time). */
export async function lockTeam(db: Queryable, id: number): Promise<TeamRow> {
  const row = (await db.query<TeamRow>('select * from teams where id = $1 for update', [id])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `no team ${id}`);
  return row;
}

export async function teamByInviteCode(db: Queryable, code: string): Promise<TeamRow | undefined> {
  return (await db.query<TeamRow>('select * from teams where invite_code = $1', [code])).rows[0];
}

/** Members, longest-standing first. */
export async function membersOfTeam(db: Queryable, teamId: number): Promise<MemberRow[]> {
  const result = await db.query<MemberRow>(
    `select m.user_id, u.display_name, u.email, m.joined_at, m.agreement_accepted_at
     from team_members m join users u on u.id = m.user_id where m.team_id = $1 order by m.joined_at, m.user_id`,
    [teamId],
  );
  return result.rows;
}

export async function deleteMember(db: Queryable, teamId: number, userId: number): Promise<boolean> {
  const result = await db.query('delete from team_members where team_id = $1 and user_id = $2', [teamId, userId]);
  return (result.rowCount ?? 0) > 0;
}

export async function setCaptain(db: Queryable, teamId: number, userId: number): Promise<void> {
  await db.query('update teams set captain_id = $2 where id = $1', [teamId, userId]);
}

export async function teamHasSubmissions(db: Queryable, teamId: number): Promise<boolean> {
  const result = await db.query('select 1 from submissions where team_id = $1 limit 1', [teamId]);
  return (result.rowCount ?? 0) > 0;
}

export async function deleteTeam(db: Queryable, teamId: number): Promise<void> {
  await db.query('delete from teams where id = $1', [teamId]);
}

export type TeamWithMemberCount = TeamRow & { member_count: number };

export async function teamsOfChallenge(db: Queryable, challengeId: number, acceptedOnly: boolean): Promise<TeamWithMemberCount[]> {
  const result = await db.query<TeamWithMemberCount>(
    `select t.*, (select count(*) from team_members m where m.team_id = t.id)::int as member_count
     from teams t where t.challenge_id = $1 and ($2::boolean = false or t.status = 'accepted')
     order by t.created_at, t.id`,
    [challengeId, acceptedOnly],
  );
  return result.rows;
}

export async function setTeamStatus(db: Queryable, teamId: number, status: 'accepted' | 'rejected', reason: string | null): Promise<TeamRow> {
  const result = await db.query<TeamRow>('update teams set status = $2, status_reason = $3 where id = $1 returning *', [teamId, status, reason]);
  return result.rows[0];
}
