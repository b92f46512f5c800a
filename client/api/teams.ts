/** Teams: create, join with an invite code, look at, leave. */
import { get, post } from './http.ts';
import type { Team } from './types.ts';

export const createTeam = (challenge: string, name: string) => post<{ team: Team }>('/api/teams', { challenge, name });
export const joinTeam = (inviteCode: string) => post<{ team: Team }>('/api/teams/join', { inviteCode });
export const teamDetail = (id: number) => get<{ team: Team }>(`/api/teams/${id}`);
export const leaveTeam = (id: number) => post<{ teamDeleted: boolean; captainId: number | null }>(`/api/teams/${id}/leave`);
