/**
 * The submit page's resumable path (files together at or over the threshold of client/lib/upload-settings.ts):
 * a status line that says what the upload is doing ("connection lost — resuming"), a Resume button once automatic
 * retries are used up, the "resume previous upload?" question when files that were being uploaded are chosen
 * again, and, once every byte is on the server, the submission made of the uploads — whose reply and errors are
 * those of the multipart path.
 */
import { ApiError } from '../api/http.ts';
import { createUpload, deleteUpload, sendChunk, submitFromUploads, uploadOffset } from '../api/tus.ts';
import { announce, h, replace } from '../dom.ts';
import { canChecksum } from '../lib/chunk-checksum.ts';
import { formatBytes } from '../lib/format.ts';
import { recallUpload, type KeyValueStore } from '../lib/upload-memory.ts';
import type { UploadSettings } from '../lib/upload-settings.ts';
import { forgetUploads, ResumableFiles, type ResumableStatus, type UploadTransport } from '../submit/resumable-files.ts';
import { resumePoint } from '../../contract/uploads/resume-plan.ts';

/** What the form shows, as `data-upload-state` (for styles and tests). */
export type UploadState = 'idle' | 'uploading' | 'resuming' | 'paused' | 'submitting';

const transport: UploadTransport = {
  createUpload,
  uploadOffset,
  sendChunk: (url, offset, body, checksum, onProgress) => sendChunk(url, offset, body as Blob | ArrayBuffer, checksum, onProgress),
};

/** An upload of these files that the server still holds, from an earlier visit or attempt. */
interface PreviousUpload {
  readonly file: File;
  readonly url: string;
  readonly offset: number;
}

function memory(): KeyValueStore {
  try {
    return window.sessionStorage;
  } catch {
    const values = new Map<string, string>(); // storage disabled: remember for this page only
    return { getItem: (k) => values.get(k) ?? null, setItem: (k, v) => void values.set(k, v), removeItem: (k) => void values.delete(k) };
  }
}

/** Refusals after which the uploads are of no further use: the files were wrong, or the phase is closed. */
function uploadsUseless(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'VALIDATION_FAILED' || error.code === 'PHASE_CLOSED');
}

export class ResumableSubmit {
  /** A live region (role status): each change of state is read out, progress is not. */
  readonly statusLine = h('p', { class: 'upload-state', role: 'status', 'data-testid': 'upload-state' });
  readonly resumeButton = h('button', { type: 'button', hidden: true, 'data-testid': 'resume' }, 'Resume');
  /** "Resume previous upload?" — its Resume button submits the form; Start over deletes the earlier uploads. */
  readonly prompt = h('div', { 'data-testid': 'resume-prompt' });
  private readonly store = memory();
  private running?: ResumableFiles;

  constructor(
    private readonly phaseId: number,
    private readonly settings: UploadSettings,
    private readonly form: HTMLFormElement,
    private readonly onProgress: (sent: number, total: number) => void,
  ) {
    this.resumeButton.addEventListener('click', () => {
      this.resumeButton.hidden = true;
      this.setState('resuming', 'Resuming: asking the server how much of the file it holds…');
      this.running?.resume();
    });
  }

  setState(state: UploadState, text = ''): void {
    this.form.dataset.uploadState = state;
    this.statusLine.textContent = text;
  }

  /**
   * When the server still holds uploads of these files (the page was reloaded, or an upload stopped): asks whether
   * to resume them. Resolves true when the question is shown (the caller keeps its own Upload button off).
   */
  async offerResume(files: File[], onStartOver: () => void): Promise<boolean> {
    replace(this.prompt);
    const previous: PreviousUpload[] = [];
    for (const file of files) {
      const remembered = recallUpload(this.store, this.phaseId, file);
      if (!remembered) continue;
      try {
        previous.push({ file, url: remembered.url, offset: resumePoint(await uploadOffset(remembered.url), 0, file.size).offset });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) forgetUploads(this.store, this.phaseId, [file]);
      }
    }
    if (!previous.length) return false;
    const total = files.reduce((sum, f) => sum + f.size, 0);
    const held = previous.reduce((sum, p) => sum + p.offset, 0);
    const startOver = h('button', { type: 'button', class: 'secondary' }, 'Start over');
    startOver.addEventListener('click', async () => {
      startOver.disabled = true;
      await Promise.all(previous.map((p) => deleteUpload(p.url).catch(() => undefined)));
      forgetUploads(this.store, this.phaseId, previous.map((p) => p.file));
      replace(this.prompt);
      announce('The earlier upload was discarded: ready to upload from the start');
      onStartOver();
    });
    replace(
      this.prompt,
      h(
        'div',
        { class: 'notice', role: 'group', 'aria-labelledby': 'resume-prompt-title' },
        h('p', { id: 'resume-prompt-title' }, h('strong', {}, 'Resume previous upload? ')),
        h(
          'p',
          { 'data-testid': 'resume-prompt-detail' },
          `An earlier upload of ${previous.length === 1 ? `"${previous[0].file.name}"` : `${previous.length} of these files`} stopped with ${formatBytes(held)} of ${formatBytes(total)} on the server (${Math.floor((100 * held) / total)} %). Resume sends only the rest.`,
        ),
        h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'resume-previous' }, 'Resume upload'), ' ', startOver),
      ),
    );
    announce('An earlier upload of these files can be resumed');
    return true;
  }

  /** Uploads the files resumably, then makes the submission of them: the multipart path's reply and errors. */
  async send<T>(files: File[], note: string): Promise<T> {
    replace(this.prompt);
    const uploads = new ResumableFiles({
      phaseId: this.phaseId,
      files,
      settings: this.settings,
      transport,
      memory: this.store,
      checksums: this.settings.checksum && canChecksum(),
      onProgress: this.onProgress,
      onStatus: (status) => this.show(status),
    });
    this.running = uploads;
    this.setState('uploading', `Uploading ${files.length === 1 ? files[0].name : `${files.length} files`}: resumable, a dropped connection continues where it stopped.`);
    let finished;
    try {
      finished = await uploads.run();
    } finally {
      this.running = undefined;
      this.resumeButton.hidden = true;
    }
    this.setState('submitting', 'Every byte is on the server: checking the files…');
    try {
      const reply = await submitFromUploads<T>(this.phaseId, finished.map((u) => u.id), note);
      forgetUploads(this.store, this.phaseId, files);
      return reply;
    } catch (error) {
      if (uploadsUseless(error)) {
        // the uploads would wait 24 h and count as the team's open uploads: remove them, as the CLI does
        await Promise.all(finished.map((u) => deleteUpload(u.url).catch(() => undefined)));
        forgetUploads(this.store, this.phaseId, files);
      }
      throw error;
    }
  }

  abort(): void {
    this.running?.abort();
  }

  private show(status: ResumableStatus): void {
    if (status.state === 'uploading') {
      this.resumeButton.hidden = true;
      const which = status.files > 1 ? ` (file ${status.fileNumber} of ${status.files})` : '';
      const resumed = status.resumedAt !== undefined ? `, resumed at ${formatBytes(status.resumedAt)} — the server's offset` : '';
      this.setState('uploading', `Uploading ${status.fileName}${which}${resumed}.`);
    } else if (status.state === 'resuming') {
      const seconds = Math.max(1, Math.round(status.delayMs / 1000));
      this.setState('resuming', `Connection lost — resuming in ${seconds} s (attempt ${status.attempt} of ${status.maxRetries}): ${status.reason}.`);
    } else {
      this.setState('paused', `Connection lost — the upload is paused after ${status.failures} failed attempt${status.failures === 1 ? '' : 's'} (${status.reason}). What reached the server is kept: check your connection, then press Resume.`);
      this.resumeButton.hidden = false;
      this.resumeButton.focus();
    }
  }
}
