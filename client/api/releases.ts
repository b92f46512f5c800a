/** Data releases: the list with the caller's access, and the organisers' calls (create, fill, open, close, log). */
import { ApiError, csrfHeader, errorFromBody, get, post } from './http.ts';
import type { AccessLogReply, ReleaseReply, ReleasesReply } from './types.ts';

export const challengeReleases = (slug: string) => get<ReleasesReply>(`/api/challenges/${encodeURIComponent(slug)}/releases`);
export const createRelease = (slug: string, body: Record<string, unknown>) => post<ReleaseReply>(`/api/challenges/${encodeURIComponent(slug)}/releases`, body);
export const openRelease = (id: number) => post<ReleaseReply>(`/api/releases/${id}/open`);
export const closeRelease = (id: number) => post<ReleaseReply>(`/api/releases/${id}/close`);
export const pickCases = (id: number, body: { phaseId: number; ct: boolean; gold: boolean }) => post<ReleaseReply>(`/api/releases/${id}/cases`, body);
export const releaseLog = (id: number) => get<AccessLogReply>(`/api/releases/${id}/log`);

/** Multipart upload of files into a release (field `files`). */
export async function uploadReleaseFiles(id: number, files: readonly File[], role: string): Promise<ReleaseReply> {
  const form = new FormData();
  if (role) form.append('role', role);
  for (const file of files) form.append('files', file, file.name);
  let response: Response;
  try {
    response = await fetch(`/api/releases/${id}/files`, { method: 'POST', body: form, headers: { Accept: 'application/json', ...csrfHeader() }, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'UNAVAILABLE', 'the platform cannot be reached; check your connection and try again');
  }
  const text = await response.text();
  if (!response.ok) throw errorFromBody(response.status, text);
  return JSON.parse(text) as ReleaseReply;
}
