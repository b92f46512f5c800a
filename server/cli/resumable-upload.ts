/**
 * The command-line client's resumable uploads (tus 1.0.0, server/intake/resumable/): create the upload, then send the file
 * in chunks read straight from disk, each with its sha256 (Upload-Checksum). When a chunk fails — the connection
 * dropped, the server restarted, a 5xx or 409 — ask the server for its offset (HEAD) and go on from there; give up
 * after `maxRetries` failures in a row without progress. The planning (chunks, back-off, which failures to retry)
 * is shared with the browser client: contract/uploads/resume-plan.ts.
 */
import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_DELAY_MS,
  isRetryableStatus,
  nextChunk,
  resumePoint,
  retryDelayMs,
  uploadIdOfUrl,
  uploadMetadata,
} from '../../contract/uploads/resume-plan.ts';
import { ApiFailure, errorOf, type FetchFunction } from './api-client.ts';

export const DEFAULT_CHUNK_BYTES = 32 * 2 ** 20;
const TUS = { 'tus-resumable': '1.0.0' };

export interface ResumableUpload {
  readonly fetch: FetchFunction;
  readonly baseUrl: string;
  readonly token: string;
  readonly phaseId: number;
  readonly path: string;
  readonly fileName: string;
  readonly size: number;
  readonly chunkBytes?: number;
  readonly maxRetries?: number;
  /** First pause before a retry (ms); doubles each time, at most 30 s. */
  readonly retryDelayMs?: number;
  /** Told about each resume: where the server's offset was and why the chunk failed. */
  readonly onResume?: (offset: number, reason: string, attempt: number) => void;
}

async function sha256Of(path: string, start: number, end: number): Promise<string> {
  const hash = createHash('sha256');
  if (end > start) for await (const chunk of createReadStream(path, { start, end: end - 1 })) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

async function send(upload: ResumableUpload, url: string, init: RequestInit): Promise<Response> {
  const headers = { ...TUS, authorization: `Bearer ${upload.token}`, ...(init.headers as Record<string, string>) };
  return upload.fetch(url, { ...init, headers, ...(init.body ? { duplex: 'half' } : {}) } as RequestInit);
}

async function failure(res: Response): Promise<ApiFailure> {
  return errorOf(res.status, await res.text());
}

/** Problems worth another try: the network, the server restarting or busy, an offset that moved. */
function retryable(error: unknown): boolean {
  if (!(error instanceof ApiFailure)) return true; // fetch failed: the connection dropped or was refused
  return isRetryableStatus(error.status);
}

async function create(upload: ResumableUpload): Promise<string> {
  const res = await send(upload, new URL('/api/uploads', upload.baseUrl).toString(), {
    method: 'POST',
    headers: { 'upload-length': String(upload.size), 'upload-metadata': uploadMetadata(upload.phaseId, upload.fileName) },
  });
  if (res.status !== 201) throw await failure(res);
  await res.arrayBuffer();
  const location = res.headers.get('location');
  if (!location) throw new ApiFailure(res.status, 'BAD_RESPONSE', 'the server created the upload but sent no Location');
  return new URL(location, upload.baseUrl).toString();
}

async function serverOffset(upload: ResumableUpload, url: string, confirmed: number): Promise<number> {
  const res = await send(upload, url, { method: 'HEAD' });
  if (res.status !== 200) throw await failure(res);
  try {
    return resumePoint(res.headers.get('upload-offset'), confirmed, upload.size).offset;
  } catch (error) {
    throw new ApiFailure(res.status, 'BAD_RESPONSE', (error as Error).message);
  }
}

async function patchChunk(upload: ResumableUpload, url: string, file: Blob, offset: number): Promise<number> {
  const { end } = nextChunk(offset, upload.size, upload.chunkBytes ?? DEFAULT_CHUNK_BYTES)!;
  const checksum = await sha256Of(upload.path, offset, end);
  const res = await send(upload, url, {
    method: 'PATCH',
    headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), 'upload-checksum': `sha256 ${checksum}` },
    body: file.slice(offset, end),
  });
  if (res.status !== 204) throw await failure(res);
  await res.arrayBuffer();
  return Number(res.headers.get('upload-offset'));
}

/** Uploads the whole file; returns the upload's id (for from-uploads). */
export async function uploadResumable(upload: ResumableUpload): Promise<string> {
  const url = await create(upload);
  const file = await openAsBlob(upload.path);
  let offset = 0;
  let failures = 0;
  while (offset < upload.size) {
    try {
      offset = await patchChunk(upload, url, file, offset);
      failures = 0;
    } catch (error) {
      if (!retryable(error) || ++failures > (upload.maxRetries ?? DEFAULT_MAX_RETRIES)) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(failures, upload.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS)));
      try {
        offset = await serverOffset(upload, url, offset);
      } catch (headError) {
        if (!retryable(headError)) throw headError;
        continue; // the server is still away: the next round tries again
      }
      upload.onResume?.(offset, error instanceof ApiFailure ? `${error.code}: ${error.message}` : String((error as Error).message), failures);
    }
  }
  return uploadIdOfUrl(url);
}

/** Terminates an upload (tus termination); used when the submission made of it was refused. */
export async function deleteUpload(fetchFn: FetchFunction, baseUrl: string, token: string, id: string): Promise<void> {
  const res = await fetchFn(new URL(`/api/uploads/${id}`, baseUrl).toString(), { method: 'DELETE', headers: { ...TUS, authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
}
