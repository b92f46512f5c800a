/** A phase's leaderboard (organisers may ask for the excluded entries too). */
import { get } from './http.ts';
import type { Leaderboard } from './types.ts';

export const leaderboard = (phaseId: number, all = false) => get<Leaderboard>(`/api/phases/${phaseId}/leaderboard${all ? '?all=1' : ''}`);
