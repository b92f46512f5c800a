/**
 * Teams: the unit of participation. One team per participant per challenge; the creator is the captain; others
 * join with the invite code; under the 'review' policy the organisers accept or reject each team.
 */
import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../app-deps.ts';
import { requireVerified } from '../auth/authenticate.ts';
import type { UserRow } from '../auth/store.ts';
import { requireOrganiser } from '../challenges/access.ts';
import { challengeById, challengeBySlug, teamOfUser } from '../challenges/lookups.ts';
import type { TeamRow } from '../challenges/rows.ts';
import { insertAuditEntry } from '../challenges/audit-entry.ts';
import { isUniqueViolation } from '../challenges/pg-errors.ts';
import { inTransaction } from '../db/pool.ts';
import { notifyTeamDecision } from '../mail/notifications.ts';
import { AppError } from '../errors.ts';
import {
  deleteMember,
  deleteTeam,
  insertMember,
  insertTeam,
  lockTeam,
  membersOfTeam,
  setCaptain,
  setTeamStatus,
  teamByInviteCode,
  teamById,
  teamHasSubmissions,
} from './store.ts';

/** 16 url-safe characters (96 random bits). */
export function newInviteCode(): string {
  return randomBytes(12).toString('base64url');
}

const alreadyInTeam = (challenge: { slug: string }, team?: TeamRow) =>
  new AppError(
    'CONFLICT',
    `you are in ${team ? `team "${team.name}"` : 'a team'} of "${challenge.slug}" already; leave it first (one team per participant per challenge)`,
  );

export async function createTeam(deps: AppDeps, user: UserRow, slug: string, name: string): Promise<TeamRow> {
  requireVerified(user);
  const challenge = await challengeBySlug(deps.db, slug);
  const current = await teamOfUser(deps.db, challenge.id, user.id);
  if (current) throw alreadyInTeam(challenge, current);
  try {
    return await inTransaction(deps.db, async (client) => {
      const team = await insertTeam(client, {
        challengeId: challenge.id,
        name,
        inviteCode: newInviteCode(),
        captainId: user.id,
        status: challenge.participation_policy === 'auto' ? 'accepted' : 'pending',
      });
      await insertMember(client, team, user.id);
      return team;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'teams_challenge_id_name_key')) {
      throw new AppError('CONFLICT', `"${slug}" has a team named "${name}" already; choose another name`);
    }
    if (isUniqueViolation(error, 'team_members_challenge_id_user_id_key')) throw alreadyInTeam(challenge);
    throw error;
  }
}

export async function joinTeam(deps: AppDeps, user: UserRow, inviteCode: string): Promise<TeamRow> {
  requireVerified(user);
  const team = await teamByInviteCode(deps.db, inviteCode);
  if (!team) throw new AppError('NOT_FOUND', 'no team has this invite code; ask your captain for it again');
  const challenge = await challengeById(deps.db, team.challenge_id);
  const current = await teamOfUser(deps.db, team.challenge_id, user.id);
  if (current) throw alreadyInTeam(challenge, current);
  try {
    return await inTransaction(deps.db, async (client) => {
      const locked = await lockTeam(client, team.id);
      await insertMember(client, locked, user.id);
      // a team kept for its submissions after everyone left gets its first new member as captain
      if ((await membersOfTeam(client, locked.id)).length === 1) {
        await setCaptain(client, locked.id, user.id);
        return { ...locked, captain_id: user.id };
      }
      return locked;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'team_members_challenge_id_user_id_key')) throw alreadyInTeam(challenge);
    throw error;
  }
}

/**
 * Leaves a team. A leaving captain hands the captaincy to the longest-standing member; the last member leaving
 * deletes the team unless it has submissions (their results stay on record under the team's name).
 */
export async function leaveTeam(deps: AppDeps, user: UserRow, teamId: number): Promise<{ teamDeleted: boolean; captainId: number | null }> {
  return inTransaction(deps.db, async (client) => {
    const team = await lockTeam(client, teamId);
    if (!(await deleteMember(client, team.id, user.id))) {
      throw new AppError('FORBIDDEN', `you are not a member of team "${team.name}"`);
    }
    const remaining = await membersOfTeam(client, team.id);
    if (remaining.length === 0) {
      if (await teamHasSubmissions(client, team.id)) return { teamDeleted: false, captainId: null };
      await deleteTeam(client, team.id);
      return { teamDeleted: true, captainId: null };
    }
    if (team.captain_id !== user.id) return { teamDeleted: false, captainId: team.captain_id };
    await setCaptain(client, team.id, remaining[0].user_id);
    return { teamDeleted: false, captainId: remaining[0].user_id };
  });
}

export async function handOverCaptaincy(deps: AppDeps, user: UserRow, teamId: number, newCaptainId: number): Promise<TeamRow> {
  return inTransaction(deps.db, async (client) => {
    const team = await lockTeam(client, teamId);
    if (team.captain_id !== user.id) throw new AppError('FORBIDDEN', `only the captain of team "${team.name}" may hand over the captaincy`);
    const members = await membersOfTeam(client, team.id);
    if (!members.some((m) => m.user_id === newCaptainId)) {
      throw new AppError('NOT_FOUND', `user ${newCaptainId} is not a member of team "${team.name}"; they join with the invite code first`);
    }
    await setCaptain(client, team.id, newCaptainId);
    return { ...team, captain_id: newCaptainId };
  });
}

/** An organiser accepts or rejects a team's participation; the decision is written to the audit log and mailed. */
export async function reviewTeam(
  deps: AppDeps,
  user: UserRow,
  teamId: number,
  decision: 'accepted' | 'rejected',
  reason: string | null,
): Promise<TeamRow> {
  const team = await teamById(deps.db, teamId);
  await requireOrganiser(deps.db, team.challenge_id, user);
  const reviewed = await inTransaction(deps.db, async (client) => {
    const locked = await lockTeam(client, team.id);
    const updated = await setTeamStatus(client, team.id, decision, reason);
    await insertAuditEntry(client, {
      actorId: user.id,
      action: decision === 'accepted' ? 'team.accept' : 'team.reject',
      targetType: 'team',
      targetId: team.id,
      reason,
      details: { from: locked.status, to: decision },
    });
    await notifyTeamDecision(deps.config, client, team.id, decision, reason);
    return updated;
  });
  return reviewed;
}
