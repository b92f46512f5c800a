/** Challenges, phases and cases. */
import { get, post } from './http.ts';
import type { AgreementReply, CasesReply, ChallengeDetail, ChallengesReply, PhaseDetailReply } from './types.ts';

export const listChallenges = () => get<ChallengesReply>('/api/challenges');
export const challengeDetail = (slug: string) => get<ChallengeDetail>(`/api/challenges/${encodeURIComponent(slug)}`);
export const phaseDetail = (id: number) => get<PhaseDetailReply>(`/api/phases/${id}`);
export const phaseCases = (id: number) => get<CasesReply>(`/api/phases/${id}/cases`);
export const acceptAgreement = (slug: string) =>
  post<AgreementReply>(`/api/challenges/${encodeURIComponent(slug)}/agreement`, { accept: true });
