/** The organisers' ranking analysis of a phase, and where its report downloads from. */
import { get } from './http.ts';
import type { AnalysisReply } from './types.ts';

export const phaseAnalysis = (phaseId: number) => get<AnalysisReply>(`/api/phases/${phaseId}/analysis`);
export const reportHtmlUrl = (phaseId: number) => `/api/phases/${phaseId}/report.html`;
export const reportJsonUrl = (phaseId: number) => `/api/phases/${phaseId}/report.json`;
