/**
 * What each caller sees of a team: everyone the name and status of an accepted team (pending and rejected teams
 * only their members and the organisers); organisers its members (with e-mails) and the reason of a decision;
 * members also the invite code.
 */
import type { ChallengeTeam, Team, TeamMember } from '../../contract/teams.ts';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../errors.ts';
import type { UserRow } from '../auth/store.ts';
import { isOrganiser } from '../challenges/access.ts';
import { challengeById, challengeBySlug } from '../challenges/lookups.ts';
import type { ChallengeRow, TeamRow } from '../challenges/rows.ts';
import { membersOfTeam, teamById, teamsOfChallenge, type MemberRow } from './store.ts';

function publicTeam(team: TeamRow, challenge: ChallengeRow): Team {
  return { id: team.id, name: team.name, status: team.status, challenge: challenge.slug };
}

function memberView(member: MemberRow, team: TeamRow, withEmail: boolean): TeamMember {
  return {
    id: member.user_id,
    displayName: member.display_name,
    ...(withEmail ? { email: member.email } : {}),
    isCaptain: member.user_id === team.captain_id,
    joinedAt: member.joined_at.toISOString(),
    agreementAccepted: member.agreement_accepted_at !== null,
  };
}

/** The team as its members see it right after creating or joining it. */
export async function teamForMember(deps: AppDeps, team: TeamRow): Promise<Team> {
  const challenge = await challengeById(deps.db, team.challenge_id);
  const members = await membersOfTeam(deps.db, team.id);
  return fullTeam(team, challenge, members, { inviteCode: true, emails: false });
}

function fullTeam(team: TeamRow, challenge: ChallengeRow, members: MemberRow[], show: { inviteCode: boolean; emails: boolean }): Team {
  return {
    ...publicTeam(team, challenge),
    statusReason: team.status_reason,
    captainId: team.captain_id,
    createdAt: team.created_at.toISOString(),
    ...(show.inviteCode ? { inviteCode: team.invite_code } : {}),
    members: members.map((m) => memberView(m, team, show.emails)),
  };
}

export async function teamDetail(deps: AppDeps, teamId: number, user: UserRow | undefined): Promise<Team> {
  const team = await teamById(deps.db, teamId);
  const challenge = await challengeById(deps.db, team.challenge_id);
  const members = await membersOfTeam(deps.db, team.id);
  const isMember = user !== undefined && members.some((m) => m.user_id === user.id);
  const organiser = await isOrganiser(deps.db, challenge.id, user);
  if (!isMember && !organiser) {
    // the public list shows accepted teams only; a pending or rejected team is as invisible by id (404, like an
    // id that does not exist, so ids cannot be probed)
    if (team.status !== 'accepted') throw new AppError('NOT_FOUND', `no team ${teamId}`);
    return publicTeam(team, challenge);
  }
  return fullTeam(team, challenge, members, { inviteCode: isMember, emails: organiser });
}

/** Organisers: every team with its status; everyone else: the accepted teams' names. */
export async function challengeTeams(deps: AppDeps, slug: string, user: UserRow | undefined): Promise<ChallengeTeam[]> {
  const challenge = await challengeBySlug(deps.db, slug);
  const organiser = await isOrganiser(deps.db, challenge.id, user);
  const teams = await teamsOfChallenge(deps.db, challenge.id, !organiser);
  if (!organiser) return teams.map((t) => ({ id: t.id, name: t.name }));
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    status: t.status,
    statusReason: t.status_reason,
    memberCount: t.member_count,
    createdAt: t.created_at.toISOString(),
  }));
}
