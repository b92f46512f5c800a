/**
 * How the submit page sends files: one multipart request, or resumable tus uploads once the files together reach
 * a size (64 MiB, the CLI's threshold, from contract/uploads/resume-plan.ts), in chunks, retried with back-off. The
 * defaults can be changed per visit by the page's query (`#/phases/3/submit?resumableOver=1048576&chunkBytes=…`),
 * so a test or a user on a bad line can send small files resumably. Pure.
 */
import { DEFAULT_MAX_RETRIES, DEFAULT_RETRY_DELAY_MS, RESUMABLE_OVER_BYTES } from '../../contract/uploads/resume-plan.ts';

export interface UploadSettings {
  /** Files together this large or larger go as resumable uploads. */
  readonly resumableOverBytes: number;
  /** Bytes per PATCH. */
  readonly chunkBytes: number;
  /** First pause before resuming; doubles with each failure in a row. */
  readonly retryDelayMs: number;
  /** Failures in a row resumed automatically; after them the upload waits for the Resume button. */
  readonly maxRetries: number;
  /** Send each chunk's sha256 (Upload-Checksum), so the server keeps no byte that was damaged on the way. */
  readonly checksum: boolean;
}

const MiB = 2 ** 20;

export const DEFAULT_UPLOAD_SETTINGS: UploadSettings = {
  resumableOverBytes: RESUMABLE_OVER_BYTES,
  chunkBytes: 8 * MiB,
  retryDelayMs: DEFAULT_RETRY_DELAY_MS,
  maxRetries: DEFAULT_MAX_RETRIES,
  checksum: true,
};

/** A chunk is read into memory to be hashed: keep it well below what a tab can spare. */
const MAX_CHUNK_BYTES = 64 * MiB;

function wholeNumber(raw: string | null, min: number, max: number): number | undefined {
  if (raw === null || !/^\d{1,16}$/.test(raw.trim())) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

/** The settings for this visit: the defaults, with each valid query value in its place (invalid ones are ignored). */
export function uploadSettings(query: { get(name: string): string | null }): UploadSettings {
  const d = DEFAULT_UPLOAD_SETTINGS;
  const checksum = query.get('checksum');
  return {
    resumableOverBytes: wholeNumber(query.get('resumableOver'), 0, Number.MAX_SAFE_INTEGER) ?? d.resumableOverBytes,
    chunkBytes: wholeNumber(query.get('chunkBytes'), 1, MAX_CHUNK_BYTES) ?? d.chunkBytes,
    retryDelayMs: wholeNumber(query.get('retryDelayMs'), 0, 60_000) ?? d.retryDelayMs,
    maxRetries: wholeNumber(query.get('retries'), 0, 100) ?? d.maxRetries,
    checksum: checksum === '0' || checksum === 'false' ? false : checksum === '1' || checksum === 'true' ? true : d.checksum,
  };
}

/** Whether these files go resumably: their total size reaches the threshold. */
export function sendsResumably(files: ReadonlyArray<{ size: number }>, settings: UploadSettings): boolean {
  return files.length > 0 && files.reduce((sum, f) => sum + f.size, 0) >= settings.resumableOverBytes;
}
