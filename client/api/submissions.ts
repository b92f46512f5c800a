/** A team's submissions: quota, list, one submission's live status. (Uploading is in upload.ts.) */
import { get } from './http.ts';
import type { MySubmissionsReply, Quota, SubmissionDetail } from './types.ts';

export const quota = (phaseId: number) => get<Quota>(`/api/phases/${phaseId}/quota`);
export const mySubmissions = (phaseId: number) =>
  get<MySubmissionsReply>(`/api/phases/${phaseId}/submissions/mine`);
export const submissionDetail = (id: number) => get<SubmissionDetail>(`/api/submissions/${id}`);
