/** Organiser review: every submission, hide / disqualify with a reason, re-evaluation, exports. */
import { get, post } from './http.ts';
import type { ReviewReply, RunsReply, RunStarted } from './types.ts';

export const reviewSubmissions = (phaseId: number) =>
  get<ReviewReply>(`/api/phases/${phaseId}/submissions`);
export const hideSubmission = (id: number, hidden: boolean, reason: string) => post(`/api/submissions/${id}/hide`, { hidden, reason });
export const disqualifySubmission = (id: number, disqualified: boolean, reason: string) =>
  post(`/api/submissions/${id}/disqualify`, { disqualified, reason });
export const reevaluateSubmission = (id: number, reason: string) => post<RunStarted>(`/api/submissions/${id}/reevaluate`, { reason });
export const phaseRuns = (phaseId: number) => get<RunsReply>(`/api/phases/${phaseId}/runs`);
export const publishRun = (id: number) => post(`/api/runs/${id}/publish`, {});
export const discardRun = (id: number) => post(`/api/runs/${id}/discard`, {});

export function exportLinks(phaseId: number): Array<{ label: string; href: string }> {
  return [
    { label: 'Results (CSV)', href: `/api/phases/${phaseId}/export.csv?table=results` },
    { label: 'Leaderboard (CSV)', href: `/api/phases/${phaseId}/export.csv?table=leaderboard` },
    { label: 'Everything (JSON)', href: `/api/phases/${phaseId}/export.json` },
  ];
}
