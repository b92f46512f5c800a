/**
 * Sends the chosen files as resumable tus uploads, one after another, in chunks: the browser's counterpart of the
 * CLI's server/cli/resumable-upload.ts, with the same plan (contract/uploads/resume-plan.ts). A file already being
 * uploaded (remembered in sessionStorage, client/lib/upload-memory.ts) continues from the server's offset. When a
 * chunk fails for a reason worth retrying (no answer, 409, 5xx), the server is asked for its offset (HEAD) and the
 * upload goes on from there after a back-off; after `maxRetries` failures in a row without progress it waits for
 * `resume()` (the page's Resume button). The HTTP calls come in as a transport, so this runs against fakes too.
 */
import { isRetryableStatus, nextChunk, resumePoint, retryDelayMs, uploadIdOfUrl } from '../../contract/uploads/resume-plan.ts';
import { uploadChecksum } from '../lib/chunk-checksum.ts';
import { forgetUpload, recallUpload, rememberUpload, type FileIdentity, type KeyValueStore } from '../lib/upload-memory.ts';
import type { UploadSettings } from '../lib/upload-settings.ts';

/** A piece of a file (a DOM Blob). */
export interface FileSlice {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A file the user chose (a DOM File). */
export interface FileToUpload extends FileIdentity {
  slice(start: number, end: number): FileSlice;
}

export interface ChunkSending {
  /** The server's new `Upload-Offset`. */
  done: Promise<string | null>;
  abort(): void;
}

/** The tus calls (client/api/tus.ts in the browser). Failures carry `status` (0: no answer) and `message`. */
export interface UploadTransport {
  createUpload(phaseId: number, file: { name: string; size: number }): Promise<string>;
  uploadOffset(url: string): Promise<string | null>;
  sendChunk(url: string, offset: number, body: FileSlice | ArrayBuffer, checksum: string | undefined, onProgress: (progress: { loaded: number }) => void): ChunkSending;
}

export type ResumableStatus =
  | { state: 'uploading'; fileName: string; fileNumber: number; files: number; resumedAt?: number }
  | { state: 'resuming'; fileName: string; reason: string; attempt: number; maxRetries: number; delayMs: number }
  | { state: 'paused'; fileName: string; reason: string; failures: number };

export interface ResumableJob {
  readonly phaseId: number;
  readonly files: readonly FileToUpload[];
  readonly settings: UploadSettings;
  readonly transport: UploadTransport;
  /** Where upload URLs are remembered (sessionStorage). */
  readonly memory: KeyValueStore;
  /** Whether chunks carry their sha256 (Web Crypto is there). */
  readonly checksums: boolean;
  onProgress(sent: number, total: number): void;
  onStatus(status: ResumableStatus): void;
}

export interface FinishedUpload {
  readonly url: string;
  readonly id: string;
  readonly file: FileToUpload;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class Cancelled extends Error {
  readonly status = 0;
  readonly code = 'ABORTED';
  constructor() {
    super('the upload was cancelled');
  }
}

export class ResumableFiles {
  /** Per file: bytes the server has confirmed. */
  private readonly confirmed: number[];
  private inFlight = 0;
  private sending?: ChunkSending;
  private stopped = false;
  private wake?: () => void;
  private readonly total: number;

  constructor(private readonly job: ResumableJob) {
    this.confirmed = job.files.map(() => 0);
    this.total = job.files.reduce((sum, f) => sum + f.size, 0);
  }

  /** Uploads every file; resolves once the server holds all their bytes. */
  async run(): Promise<FinishedUpload[]> {
    const finished: FinishedUpload[] = [];
    for (const [index, file] of this.job.files.entries()) {
      const url = await this.sendFile(index, file);
      finished.push({ url, id: uploadIdOfUrl(url), file });
    }
    return finished;
  }

  /** Goes on at once: after the pause that follows repeated failures, or instead of waiting out a back-off. */
  resume(): void {
    this.wake?.();
  }

  /** Stops sending (leaving the page); what reached the server stays there, and is remembered for a resume. */
  abort(): void {
    this.stopped = true;
    this.sending?.abort();
    this.wake?.();
  }

  private report(): void {
    const sent = this.confirmed.reduce((sum, n) => sum + n, 0) + this.inFlight;
    this.job.onProgress(Math.min(sent, this.total), this.total);
  }

  private wait(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private checkStopped(): void {
    if (this.stopped) throw new Cancelled();
  }

  /** The upload remembered for the file when the server still has it, else a new one (remembered at once). */
  private async openUpload(file: FileToUpload): Promise<{ url: string; offset: number }> {
    const { phaseId, transport, memory } = this.job;
    const remembered = recallUpload(memory, phaseId, file);
    if (remembered) {
      try {
        const { offset } = resumePoint(await transport.uploadOffset(remembered.url), 0, file.size);
        return { url: remembered.url, offset };
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        forgetUpload(memory, phaseId, file); // expired or removed: start this file again
      }
    }
    this.checkStopped();
    const url = await transport.createUpload(phaseId, file);
    rememberUpload(memory, phaseId, file, url);
    return { url, offset: 0 };
  }

  private async sendFile(index: number, file: FileToUpload): Promise<string> {
    const { settings, transport } = this.job;
    const { url, offset: start } = await this.openUpload(file);
    let offset = start;
    this.confirmed[index] = offset;
    this.report();
    const uploading = (resumedAt?: number) =>
      this.job.onStatus({ state: 'uploading', fileName: file.name, fileNumber: index + 1, files: this.job.files.length, resumedAt });
    uploading(start > 0 ? start : undefined);
    let failures = 0;
    let askServer = false;
    for (;;) {
      this.checkStopped();
      try {
        if (askServer) {
          const point = resumePoint(await transport.uploadOffset(url), offset, file.size);
          if (point.progressed) failures = 0;
          offset = point.offset;
          this.confirmed[index] = offset;
          askServer = false;
          this.report();
          uploading(offset);
        }
        const chunk = nextChunk(offset, file.size, settings.chunkBytes);
        if (!chunk) return url;
        const slice = file.slice(chunk.start, chunk.end);
        const body = this.job.checksums ? await slice.arrayBuffer() : slice;
        const checksum = body instanceof ArrayBuffer ? await uploadChecksum(body) : undefined;
        this.checkStopped();
        this.sending = transport.sendChunk(url, chunk.start, body, checksum, ({ loaded }) => {
          this.inFlight = Math.min(loaded, chunk.end - chunk.start);
          this.report();
        });
        const reported = await this.sending.done;
        this.inFlight = 0;
        offset = resumePoint(reported, offset, file.size).offset;
        this.confirmed[index] = offset;
        failures = 0;
        this.report();
      } catch (error) {
        this.inFlight = 0;
        this.checkStopped();
        this.report(); // back to what the server confirmed, until it says more
        const status = statusOf(error);
        if (status === undefined || !isRetryableStatus(status)) throw error;
        askServer = true;
        failures++;
        if (failures > settings.maxRetries) {
          this.job.onStatus({ state: 'paused', fileName: file.name, reason: reasonOf(error), failures });
          await this.wait();
          failures = 0;
        } else {
          const delayMs = retryDelayMs(failures, settings.retryDelayMs);
          this.job.onStatus({ state: 'resuming', fileName: file.name, reason: reasonOf(error), attempt: failures, maxRetries: settings.maxRetries, delayMs });
          await this.wait(delayMs);
        }
      } finally {
        this.sending = undefined;
      }
    }
  }
}

/** Forgets the files' uploads (after the submission was made of them, or they were deleted). */
export function forgetUploads(memory: KeyValueStore, phaseId: number, files: readonly FileIdentity[]): void {
  for (const file of files) forgetUpload(memory, phaseId, file);
}
