/** Teams: create, join with an invite code, look at, leave. */
import { get, post } from './http.ts';
import type { LeaveTeamReply, TeamReply } from './types.ts';

export const createTeam = (challenge: string, name: string) => post<TeamReply>('/api/teams', { challenge, name });
export const joinTeam = (inviteCode: string) => post<TeamReply>('/api/teams/join', { inviteCode });
export const teamDetail = (id: number) => get<TeamReply>(`/api/teams/${id}`);
export const leaveTeam = (id: number) => post<LeaveTeamReply>(`/api/teams/${id}/leave`);
