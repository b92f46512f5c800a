/**
 * Resumable uploads over the platform's tus 1.0.0 endpoints (docs/api.md, "Resumable uploads"), with the session
 * cookie and the CSRF header like every other call: create an upload, ask for its offset, send a chunk (by
 * XMLHttpRequest, for its progress events), delete it, and make a submission of finished uploads. Failures are
 * ApiErrors; status 0 means no answer (the connection dropped, was refused, or stalled).
 */
import { uploadMetadata } from '../../contract/uploads/resume-plan.ts';
import { ApiError, csrfHeader, errorFromBody, post } from './http.ts';

const TUS = { 'Tus-Resumable': '1.0.0' };

/** A chunk whose bytes stop moving for this long is given up on (and resumed from the server's offset). */
const STALL_MS = 60_000;

async function tusFetch(method: string, url: string, headers: Record<string, string> = {}): Promise<Response> {
  try {
    return await fetch(url, { method, headers: { ...TUS, ...csrfHeader(), ...headers }, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'UNAVAILABLE', 'the platform cannot be reached; check your connection');
  }
}

/** POST /api/uploads: a new upload of `file` for the phase; returns its URL (`/api/uploads/<id>`). */
export async function createUpload(phaseId: number, file: { name: string; size: number }): Promise<string> {
  const res = await tusFetch('POST', '/api/uploads', { 'Upload-Length': String(file.size), 'Upload-Metadata': uploadMetadata(phaseId, file.name) });
  const text = await res.text();
  if (res.status !== 201) throw errorFromBody(res.status, text);
  const location = res.headers.get('Location');
  if (!location) throw new ApiError(res.status, 'BAD_RESPONSE', 'the server created the upload but did not say where it is (no Location header)');
  return new URL(location, window.location.href).pathname;
}

/** HEAD: the server's `Upload-Offset` for the upload, as sent (resume-plan.ts reads it). */
export async function uploadOffset(url: string): Promise<string | null> {
  const res = await tusFetch('HEAD', url);
  await res.arrayBuffer().catch(() => undefined); // no body, but reading it ends the request cleanly
  if (res.status === 200) return res.headers.get('Upload-Offset');
  // a HEAD answer has no body: say what its status means
  if (res.status === 404) throw new ApiError(404, 'NOT_FOUND', 'this upload is no longer on the server (uploads expire 24 h after their last chunk); it has to start again');
  throw errorFromBody(res.status, '');
}

export interface ChunkProgress {
  /** Bytes of this chunk handed to the network so far. */
  loaded: number;
}

export interface ChunkSending {
  /** Resolves with the server's new `Upload-Offset` header. */
  done: Promise<string | null>;
  abort(): void;
}

/** PATCH one chunk at `offset`. */
export function sendChunk(url: string, offset: number, body: Blob | ArrayBuffer, checksum: string | undefined, onProgress: (progress: ChunkProgress) => void): ChunkSending {
  const xhr = new XMLHttpRequest();
  let stalled = false;
  let lastMove = Date.now();
  const watchdog = window.setInterval(() => {
    if (Date.now() - lastMove > STALL_MS) {
      stalled = true;
      xhr.abort();
    }
  }, 1000);
  const done = new Promise<string | null>((resolve, reject) => {
    xhr.open('PATCH', url);
    const headers: Record<string, string> = { ...TUS, ...csrfHeader(), 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset) };
    if (checksum) headers['Upload-Checksum'] = checksum;
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      lastMove = Date.now();
      onProgress({ loaded: event.loaded });
    });
    xhr.addEventListener('load', () => {
      if (xhr.status === 204) resolve(xhr.getResponseHeader('Upload-Offset'));
      else reject(errorFromBody(xhr.status, xhr.responseText));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'CONNECTION_LOST', 'the connection was lost while sending the file')));
    xhr.addEventListener('abort', () =>
      reject(stalled ? new ApiError(0, 'STALLED', `no bytes moved for ${STALL_MS / 1000} s`) : new ApiError(0, 'ABORTED', 'the upload was cancelled')),
    );
    xhr.send(body);
  });
  done.then(
    () => window.clearInterval(watchdog),
    () => window.clearInterval(watchdog),
  );
  return { done, abort: () => xhr.abort() };
}

/** DELETE: the upload and its bytes are removed from the server. */
export async function deleteUpload(url: string): Promise<void> {
  const res = await tusFetch('DELETE', url);
  if (res.status !== 204 && res.status !== 404) throw errorFromBody(res.status, await res.text());
}

/** POST /api/phases/:id/submissions/from-uploads: the same reply and errors as a multipart submission. */
export function submitFromUploads<T>(phaseId: number, uploadIds: string[], note: string): Promise<T> {
  return post<T>(`/api/phases/${phaseId}/submissions/from-uploads`, { uploadIds, ...(note.trim() ? { note: note.trim() } : {}) });
}
