/**
 * The client half of tus resumable uploads (server/intake/resumable/routes.ts), shared by the command-line client
 * (server/cli/resumable-upload.ts) and the browser (client/submit/resumable-files.ts): when an upload is worth
 * it, which bytes to send next, which failures deserve another try and how long to wait before it, how to read
 * the offset the server reports, and the Upload-Metadata header. Pure: no I/O, nothing from Node or the DOM but
 * the globals both have (TextEncoder, btoa).
 */

/** Files (the CLI: any one file; the browser: all files together) this large or larger go as resumable uploads. */
export const RESUMABLE_OVER_BYTES = 64 * 2 ** 20;

/** A resumable upload gives up (the CLI) or waits for the user (the browser) after this many failures in a row. */
export const DEFAULT_MAX_RETRIES = 5;

/** The first pause before a retry; it doubles with each failure in a row, up to MAX_RETRY_DELAY_MS. */
export const DEFAULT_RETRY_DELAY_MS = 1000;
export const MAX_RETRY_DELAY_MS = 30_000;

/** Bytes [start, end) of the file, sent by one PATCH. */
export interface ChunkRange {
  readonly start: number;
  readonly end: number;
}

/** The next PATCH from `offset` of a file of `length` bytes; undefined once every byte is on the server. */
export function nextChunk(offset: number, length: number, chunkBytes: number): ChunkRange | undefined {
  if (!(chunkBytes >= 1)) throw new RangeError(`a chunk must hold at least one byte, not ${chunkBytes}`);
  if (offset >= length) return undefined;
  return { start: offset, end: Math.min(length, offset + Math.floor(chunkBytes)) };
}

/** Every PATCH of an upload from `offset` on, if none fails: contiguous, each at most `chunkBytes`. */
export function chunkPlan(length: number, chunkBytes: number, offset = 0): ChunkRange[] {
  const plan: ChunkRange[] = [];
  for (let chunk = nextChunk(offset, length, chunkBytes); chunk; chunk = nextChunk(chunk.end, length, chunkBytes)) plan.push(chunk);
  return plan;
}

/** The pause before retry number `failures` (1 for the first): exponential back-off, capped. */
export function retryDelayMs(failures: number, firstDelayMs = DEFAULT_RETRY_DELAY_MS, maxDelayMs = MAX_RETRY_DELAY_MS): number {
  return Math.min(maxDelayMs, firstDelayMs * 2 ** Math.max(0, failures - 1));
}

/**
 * Answers worth another try after asking the server for its offset: no answer at all (0: the connection dropped
 * or was refused), a conflict (409: the offset moved, or the upload is briefly busy), 423, and any 5xx (the server
 * restarting, draining, out of space for now). Every other 4xx says the request itself is wrong.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 409 || status === 423 || status >= 500;
}

/** Where to go on after a failure, from the offset the server reported (HEAD). */
export interface ResumePoint {
  /** The byte the next PATCH starts at: the server's offset, never the client's guess. */
  readonly offset: number;
  /** Whether the server holds more than before the failed chunk (a failure streak then starts again). */
  readonly progressed: boolean;
}

/**
 * Reads the `Upload-Offset` of a HEAD answer against what the client knew: the server's word decides, but an
 * offset that is not a whole number of bytes within the file means the server is not speaking tus as expected.
 */
export function resumePoint(reported: string | null | undefined, confirmed: number, length: number): ResumePoint {
  const offset = reported === null || reported === undefined || !/^\d{1,16}$/.test(reported.trim()) ? NaN : Number(reported);
  if (!Number.isSafeInteger(offset) || offset > length) {
    throw new RangeError(`the server reported Upload-Offset "${reported ?? ''}" for an upload of ${length} bytes`);
  }
  return { offset, progressed: offset > confirmed };
}

function base64OfText(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Upload-Metadata for creation: the phase and the file's name (UTF-8, base64 as tus says). */
export function uploadMetadata(phaseId: number, fileName: string): string {
  return `phase ${base64OfText(String(phaseId))},filename ${base64OfText(fileName)}`;
}

/** The upload's id, the last segment of its URL (`/api/uploads/<id>` or absolute). */
export function uploadIdOfUrl(url: string): string {
  return url.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() ?? '';
}
