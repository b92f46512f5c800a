/**
 * The browser's resumable uploader (client/submit/resumable-files.ts) against an in-memory tus server: chunks in
 * order, a connection dropped mid-chunk resumed from the server's offset (HEAD) so no byte is stored twice, with
 * and without checksums, a pause after repeated failures until resume(), an upload remembered from before
 * continued without a new one, an error that is not worth retrying, and cancelling.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DEFAULT_UPLOAD_SETTINGS, type UploadSettings } from '../../client/lib/upload-settings.ts';
import { recallUpload, rememberUpload, type KeyValueStore } from '../../client/lib/upload-memory.ts';
import { ResumableFiles, type FileSlice, type FileToUpload, type ResumableStatus, type UploadTransport } from '../../client/submit/resumable-files.ts';

class MapStore implements KeyValueStore {
  readonly values = new Map<string, string>();
  getItem = (key: string) => this.values.get(key) ?? null;
  setItem = (key: string, value: string) => void this.values.set(key, value);
  removeItem = (key: string) => void this.values.delete(key);
}

function fileOf(name: string, size: number, lastModified = 1_700_000_000_000): FileToUpload & { bytes: Uint8Array } {
  const bytes = new Uint8Array(size).map((_, i) => (i * 7 + size) % 256);
  return {
    name,
    size,
    lastModified,
    bytes,
    slice: (start: number, end: number): FileSlice => ({ arrayBuffer: async () => bytes.slice(start, end).buffer }),
  };
}

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Patch {
  url: string;
  offset: number;
  bytes: number;
  checksum?: string;
  result: 'ok' | 'dropped' | 'refused';
}

/** A tus server in memory: offsets, checksums, and failures on demand. */
class FakeTusServer implements UploadTransport {
  readonly uploads = new Map<string, { length: number; data: number[] }>();
  readonly patches: Patch[] = [];
  readonly heads: Array<{ url: string; offset: number | null }> = [];
  created = 0;
  /** The next PATCH delivers this many bytes, then the connection drops. */
  dropNextAfter?: number;
  /** Every request fails with no answer while true. */
  down = false;
  /** The next PATCH is answered with this status. */
  refuseNext?: number;

  async createUpload(_phaseId: number, file: { name: string; size: number }): Promise<string> {
    if (this.down) throw new ApiFailure(0, 'the platform cannot be reached');
    const url = `/api/uploads/${(++this.created).toString(16).padStart(32, '0')}`;
    this.uploads.set(url, { length: file.size, data: [] });
    return url;
  }

  async uploadOffset(url: string): Promise<string | null> {
    if (this.down) {
      this.heads.push({ url, offset: null });
      throw new ApiFailure(0, 'the platform cannot be reached');
    }
    const upload = this.uploads.get(url);
    if (!upload) throw new ApiFailure(404, 'no such upload');
    this.heads.push({ url, offset: upload.data.length });
    return String(upload.data.length);
  }

  sendChunk(url: string, offset: number, body: FileSlice | ArrayBuffer, checksum: string | undefined, onProgress: (p: { loaded: number }) => void) {
    const done = (async () => {
      const bytes = new Uint8Array(body instanceof ArrayBuffer ? body : await body.arrayBuffer());
      const patch: Patch = { url, offset, bytes: bytes.length, checksum, result: 'ok' };
      this.patches.push(patch);
      const upload = this.uploads.get(url)!;
      if (this.down) {
        patch.result = 'dropped';
        throw new ApiFailure(0, 'the connection was lost');
      }
      if (this.refuseNext) {
        const status = this.refuseNext;
        this.refuseNext = undefined;
        patch.result = 'refused';
        throw new ApiFailure(status, `refused with ${status}`);
      }
      if (offset !== upload.data.length) {
        patch.result = 'refused';
        throw new ApiFailure(409, `Upload-Offset is ${offset} but the server holds ${upload.data.length}`);
      }
      if (checksum) assert.equal(checksum, `sha256 ${createHash('sha256').update(bytes).digest('base64')}`, 'the checksum is of the bytes sent');
      if (this.dropNextAfter !== undefined) {
        const kept = this.dropNextAfter;
        this.dropNextAfter = undefined;
        onProgress({ loaded: kept });
        patch.result = 'dropped';
        // the server keeps what reached its disk, unless a checksum was sent (then it cannot check the part)
        if (!checksum) upload.data.push(...bytes.subarray(0, kept));
        throw new ApiFailure(0, 'the connection was lost while sending the file');
      }
      onProgress({ loaded: bytes.length });
      upload.data.push(...bytes);
      return String(upload.data.length);
    })();
    return { done, abort: () => undefined };
  }
}

function job(server: FakeTusServer, files: FileToUpload[], settings: Partial<UploadSettings> = {}, memory: KeyValueStore = new MapStore()) {
  const statuses: ResumableStatus[] = [];
  const progress: Array<[number, number]> = [];
  const uploader = new ResumableFiles({
    phaseId: 3,
    files,
    settings: { ...DEFAULT_UPLOAD_SETTINGS, chunkBytes: 4096, retryDelayMs: 1, ...settings },
    transport: server,
    memory,
    checksums: settings.checksum ?? false,
    onProgress: (sent, total) => progress.push([sent, total]),
    onStatus: (status) => statuses.push(status),
  });
  return { uploader, statuses, progress, memory };
}

function storedBytes(server: FakeTusServer, url: string): Uint8Array {
  return Uint8Array.from(server.uploads.get(url)!.data);
}

describe('client: resumable uploader', () => {
  it('sends a file in contiguous chunks and reports progress over all bytes of all files', async () => {
    const server = new FakeTusServer();
    const a = fileOf('ATM_001.nii', 10_000);
    const b = fileOf('ATM_002.nii', 3000);
    const { uploader, progress, statuses } = job(server, [a, b]);
    const finished = await uploader.run();
    assert.deepEqual(finished.map((f) => f.file.name), ['ATM_001.nii', 'ATM_002.nii']);
    assert.deepEqual(storedBytes(server, finished[0].url), a.bytes);
    assert.deepEqual(storedBytes(server, finished[1].url), b.bytes);
    assert.equal(finished[0].id, finished[0].url.split('/').pop());
    assert.deepEqual(server.patches.map((p) => [p.offset, p.bytes]), [[0, 4096], [4096, 4096], [8192, 1808], [0, 3000]]);
    assert.deepEqual(progress.at(-1), [13_000, 13_000]);
    assert.ok(progress.every(([sent], i) => i === 0 || sent >= progress[i - 1][0]), 'progress never goes back without a failure');
    assert.deepEqual(statuses.map((s) => s.state), ['uploading', 'uploading']);
    assert.equal(server.heads.length, 0, 'no HEAD without a failure');
  });

  it("resumes a connection dropped mid-chunk from the server's offset: every byte is stored once", async () => {
    const server = new FakeTusServer();
    const file = fileOf('ATM_001.nii', 10_000);
    const { uploader, statuses } = job(server, [file]);
    // let the first chunk through, drop the second after 1000 of its bytes
    const original = server.sendChunk.bind(server);
    let calls = 0;
    server.sendChunk = (...args) => {
      if (++calls === 2) server.dropNextAfter = 1000;
      return original(...args);
    };
    const [done] = await uploader.run();
    assert.deepEqual(storedBytes(server, done.url), file.bytes, 'the stored file is the file: no byte twice, none missing');
    assert.deepEqual(server.heads, [{ url: done.url, offset: 5096 }]);
    const afterDrop = server.patches.slice(server.patches.findIndex((p) => p.result === 'dropped') + 1);
    assert.equal(afterDrop[0].offset, 5096, "the next PATCH starts at the server's offset, inside the chunk that failed");
    assert.equal(afterDrop.reduce((sum, p) => sum + p.bytes, 0), 10_000 - 5096, 'only the bytes the server lacked were sent again');
    const resuming = statuses.find((s) => s.state === 'resuming');
    assert.deepEqual(resuming, { state: 'resuming', fileName: 'ATM_001.nii', reason: 'the connection was lost while sending the file', attempt: 1, maxRetries: 5, delayMs: 1 });
    assert.deepEqual(statuses.at(-1), { state: 'uploading', fileName: 'ATM_001.nii', fileNumber: 1, files: 1, resumedAt: 5096 });
  });

  it('with checksums, a dropped chunk is sent again whole (the server kept none of it)', async () => {
    const server = new FakeTusServer();
    const file = fileOf('ATM_001.nii', 10_000);
    const { uploader } = job(server, [file], { checksum: true });
    server.dropNextAfter = 3000;
    const [done] = await uploader.run();
    assert.deepEqual(storedBytes(server, done.url), file.bytes);
    assert.deepEqual(server.heads.map((h) => h.offset), [0]);
    assert.deepEqual(server.patches.map((p) => [p.offset, p.result]), [[0, 'dropped'], [0, 'ok'], [4096, 'ok'], [8192, 'ok']]);
    assert.ok(server.patches.every((p) => p.checksum?.startsWith('sha256 ')));
  });

  it('pauses after the automatic retries are used up, and goes on from the server\'s offset on resume()', async () => {
    const server = new FakeTusServer();
    const file = fileOf('ATM_001.nii', 10_000);
    const { uploader, statuses } = job(server, [file], { maxRetries: 2 });
    let paused!: () => void;
    const pausedNow = new Promise<void>((resolve) => (paused = resolve));
    const original = server.sendChunk.bind(server);
    let calls = 0;
    server.sendChunk = (...args) => {
      if (++calls === 2) server.down = true; // the network goes away during the second chunk
      return original(...args);
    };
    const onStatus = statuses.push.bind(statuses);
    statuses.push = (...items) => {
      if (items.some((s) => s.state === 'paused')) paused();
      return onStatus(...items);
    };
    const run = uploader.run();
    await pausedNow;
    assert.deepEqual(statuses.map((s) => s.state), ['uploading', 'resuming', 'resuming', 'paused']);
    assert.deepEqual(statuses.filter((s) => s.state === 'resuming').map((s) => (s as { delayMs: number }).delayMs), [1, 2], 'back-off doubles');
    const patchesWhilePaused = server.patches.length;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.patches.length, patchesWhilePaused, 'nothing is sent while paused');
    server.down = false;
    uploader.resume();
    const [done] = await run;
    assert.deepEqual(storedBytes(server, done.url), file.bytes);
    assert.equal(server.heads.at(-1)!.offset, 4096);
    assert.equal(statuses.at(-1)!.state, 'uploading');
  });

  it('continues an upload remembered from before (a reload) without creating another; starts again if the server lost it', async () => {
    const server = new FakeTusServer();
    const file = fileOf('ATM_001.nii', 10_000);
    const memory = new MapStore();
    const url = await server.createUpload(3, file);
    server.uploads.get(url)!.data.push(...file.bytes.subarray(0, 6000));
    rememberUpload(memory, 3, file, url);
    const { uploader, statuses } = job(server, [file], {}, memory);
    const [done] = await uploader.run();
    assert.equal(done.url, url);
    assert.equal(server.created, 1, 'no new upload');
    assert.deepEqual(server.patches.map((p) => p.offset), [6000]);
    assert.deepEqual(storedBytes(server, url), file.bytes);
    assert.equal((statuses[0] as { resumedAt?: number }).resumedAt, 6000);

    server.uploads.delete(url); // expired on the server
    const again = job(server, [file], {}, memory);
    const [fresh] = await again.uploader.run();
    assert.notEqual(fresh.url, url);
    assert.equal(recallUpload(memory, 3, file)?.url, fresh.url, 'the new upload is remembered');
    assert.deepEqual(storedBytes(server, fresh.url), file.bytes);
  });

  it('remembers each new upload as soon as it is created', async () => {
    const server = new FakeTusServer();
    const file = fileOf('ATM_001.nii', 10_000);
    const { uploader, memory } = job(server, [file], { maxRetries: 0 });
    server.refuseNext = 413;
    await assert.rejects(uploader.run(), (error: ApiFailure) => error.status === 413);
    assert.equal(recallUpload(memory, 3, file)?.url, [...server.uploads.keys()][0]);
  });

  it('gives up at once on an answer not worth retrying, without asking for the offset', async () => {
    const server = new FakeTusServer();
    const { uploader } = job(server, [fileOf('ATM_001.nii', 10_000)]);
    server.refuseNext = 400;
    await assert.rejects(uploader.run(), /refused with 400/);
    assert.equal(server.heads.length, 0);
  });

  it('stops when cancelled, even while waiting to resume', async () => {
    const server = new FakeTusServer();
    const { uploader, statuses } = job(server, [fileOf('ATM_001.nii', 10_000)], { retryDelayMs: 60_000 });
    server.dropNextAfter = 10;
    const run = uploader.run();
    while (!statuses.some((s) => s.state === 'resuming')) await new Promise((r) => setTimeout(r, 1));
    const started = Date.now();
    uploader.abort();
    await assert.rejects(run, (error: { code?: string }) => error.code === 'ABORTED');
    assert.ok(Date.now() - started < 1000, 'no 60 s wait');
  });
});
