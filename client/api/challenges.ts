/** Challenges, phases and cases. */
import { get, post } from './http.ts';
import type { Challenge, ChallengeDetail, Phase, PhaseCase } from './types.ts';

export const listChallenges = () => get<{ challenges: Challenge[] }>('/api/challenges');
export const challengeDetail = (slug: string) => get<ChallengeDetail>(`/api/challenges/${encodeURIComponent(slug)}`);
export const phaseDetail = (id: number) => get<{ phase: Phase & { challengeSlug: string; cases: string[] } }>(`/api/phases/${id}`);
export const phaseCases = (id: number) => get<{ cases: PhaseCase[] }>(`/api/phases/${id}/cases`);
export const acceptAgreement = (slug: string) =>
  post<{ agreementAccepted: true; acceptedAt: string }>(`/api/challenges/${encodeURIComponent(slug)}/agreement`, { accept: true });
