/**
 * The pure pieces of resumable uploads shared by the CLI and the browser (contract/uploads/resume-plan.ts), and the
 * browser's own: its settings from the page's query, what it remembers of uploads in sessionStorage, and the
 * chunk checksum the server checks.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chunkPlan, isRetryableStatus, nextChunk, resumePoint, retryDelayMs, RESUMABLE_OVER_BYTES, uploadIdOfUrl, uploadMetadata } from '../../contract/uploads/resume-plan.ts';
import { parseMetadata } from '../../server/intake/resumable/tus-protocol.ts';
import { RESUMABLE_OVER_BYTES as CLI_THRESHOLD } from '../../server/cli/commands.ts';
import { uploadChecksum } from '../../client/lib/chunk-checksum.ts';
import { forgetUpload, recallUpload, rememberUpload, uploadKey, type KeyValueStore } from '../../client/lib/upload-memory.ts';
import { DEFAULT_UPLOAD_SETTINGS, sendsResumably, uploadSettings } from '../../client/lib/upload-settings.ts';

const MiB = 2 ** 20;

class MapStore implements KeyValueStore {
  readonly values = new Map<string, string>();
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
  removeItem(key: string) {
    this.values.delete(key);
  }
}

describe('resumable uploads: the plan shared by the CLI and the browser', () => {
  it('cuts a file into contiguous chunks, the last one shorter, and nothing for an empty or finished file', () => {
    assert.deepEqual(chunkPlan(10, 4), [{ start: 0, end: 4 }, { start: 4, end: 8 }, { start: 8, end: 10 }]);
    assert.deepEqual(chunkPlan(8, 4), [{ start: 0, end: 4 }, { start: 4, end: 8 }]);
    assert.deepEqual(chunkPlan(0, 4), []);
    assert.equal(nextChunk(10, 10, 4), undefined);
    assert.deepEqual(nextChunk(3, 10, 100), { start: 3, end: 10 });
    assert.throws(() => nextChunk(0, 10, 0), /at least one byte/);
  });

  it('plans from any offset the server reports, not only chunk boundaries', () => {
    const plan = chunkPlan(20 * MiB + 5, 8 * MiB, 5 * MiB + 123);
    assert.deepEqual(plan.map((c) => c.start), [5 * MiB + 123, 13 * MiB + 123]);
    assert.equal(plan.at(-1)!.end, 20 * MiB + 5);
    assert.equal(plan.reduce((sum, c) => sum + c.end - c.start, 0), 20 * MiB + 5 - (5 * MiB + 123), 'exactly the bytes the server lacks');
  });

  it('backs off exponentially from the first delay, capped at 30 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(n)), [1000, 2000, 4000, 8000, 16000]);
    assert.equal(retryDelayMs(6), 30_000);
    assert.equal(retryDelayMs(40), 30_000);
    assert.deepEqual([1, 2, 3].map((n) => retryDelayMs(n, 250)), [250, 500, 1000]);
  });

  it('retries after no answer, a conflict, 423 and any 5xx; not after other 4xx', () => {
    for (const status of [0, 409, 423, 500, 502, 503, 507]) assert.equal(isRetryableStatus(status), true, String(status));
    for (const status of [400, 401, 403, 404, 413, 415, 422, 429]) assert.equal(isRetryableStatus(status), false, String(status));
  });

  it("resumes at the server's offset, says whether it moved on, and refuses an offset outside the file", () => {
    assert.deepEqual(resumePoint('4096', 0, 10_000), { offset: 4096, progressed: true });
    assert.deepEqual(resumePoint('4096', 4096, 10_000), { offset: 4096, progressed: false }, 'a chunk whose bytes were all dropped');
    assert.deepEqual(resumePoint('1000', 4096, 10_000), { offset: 1000, progressed: false }, 'the server holds less: its word decides');
    assert.deepEqual(resumePoint(' 10000 ', 0, 10_000), { offset: 10_000, progressed: true });
    for (const bad of [null, undefined, '', 'abc', '-1', '1.5', '10001', '99999999999999999']) {
      assert.throws(() => resumePoint(bad, 0, 10_000), /Upload-Offset/, String(bad));
    }
  });

  it('names the phase and the file in Upload-Metadata as the server reads it, whatever the characters', () => {
    assert.deepEqual(parseMetadata(uploadMetadata(3, 'ATM_164.nii.gz')), { phase: '3', filename: 'ATM_164.nii.gz' });
    assert.equal(uploadMetadata(3, 'ATM_164.nii.gz'), 'phase Mw==,filename QVRNXzE2NC5uaWkuZ3o=', "docs/api.md's example");
    assert.deepEqual(parseMetadata(uploadMetadata(12, 'prédiction ü 肺.zip')), { phase: '12', filename: 'prédiction ü 肺.zip' });
  });

  it("reads an upload's id from its URL, relative or absolute", () => {
    const id = '0123456789abcdef0123456789abcdef';
    assert.equal(uploadIdOfUrl(`/api/uploads/${id}`), id);
    assert.equal(uploadIdOfUrl(`http://127.0.0.1:8080/api/uploads/${id}/`), id);
  });

  it('uses the same 64 MiB threshold in the CLI and the browser', () => {
    assert.equal(RESUMABLE_OVER_BYTES, 64 * MiB);
    assert.equal(CLI_THRESHOLD, RESUMABLE_OVER_BYTES);
    assert.equal(DEFAULT_UPLOAD_SETTINGS.resumableOverBytes, RESUMABLE_OVER_BYTES);
  });
});

describe('resumable uploads: the browser settings, memory and checksum', () => {
  it('takes the defaults, each valid query value in its place, and ignores invalid ones', () => {
    assert.deepEqual(uploadSettings(new URLSearchParams('')), DEFAULT_UPLOAD_SETTINGS);
    assert.deepEqual(uploadSettings(new URLSearchParams('resumableOver=1048576&chunkBytes=262144&retryDelayMs=200&retries=2&checksum=0')), {
      resumableOverBytes: MiB,
      chunkBytes: 256 * 1024,
      retryDelayMs: 200,
      maxRetries: 2,
      checksum: false,
    });
    const bad = uploadSettings(new URLSearchParams('resumableOver=-5&chunkBytes=0&retryDelayMs=abc&retries=1e3&checksum=maybe'));
    assert.deepEqual(bad, DEFAULT_UPLOAD_SETTINGS);
    assert.equal(uploadSettings(new URLSearchParams(`chunkBytes=${128 * MiB}`)).chunkBytes, DEFAULT_UPLOAD_SETTINGS.chunkBytes, 'a chunk is read into memory: at most 64 MiB');
    assert.equal(uploadSettings(new URLSearchParams('resumableOver=0')).resumableOverBytes, 0, 'every upload resumable');
  });

  it('sends resumably when the files together reach the threshold', () => {
    const settings = { ...DEFAULT_UPLOAD_SETTINGS, resumableOverBytes: 100 };
    assert.equal(sendsResumably([{ size: 60 }, { size: 40 }], settings), true);
    assert.equal(sendsResumably([{ size: 60 }, { size: 39 }], settings), false);
    assert.equal(sendsResumably([], { ...settings, resumableOverBytes: 0 }), false, 'nothing to send');
  });

  it('keys a remembered upload by phase, file name, size and last-modified time', () => {
    const file = { name: 'ATM_001.nii.gz', size: 1234, lastModified: 1_700_000_000_000 };
    assert.equal(uploadKey(3, file), 'carina.upload.v1:3:1234:1700000000000:ATM_001.nii.gz');
    assert.notEqual(uploadKey(3, file), uploadKey(4, file));
    assert.notEqual(uploadKey(3, file), uploadKey(3, { ...file, size: 1235 }));
    assert.notEqual(uploadKey(3, file), uploadKey(3, { ...file, lastModified: file.lastModified + 1 }), 'the file was saved again: a new upload');
    assert.notEqual(uploadKey(3, file), uploadKey(3, { ...file, name: 'ATM_002.nii.gz' }));
  });

  it('remembers, recalls and forgets upload URLs; drops entries that are unreadable or not of this file', () => {
    const store = new MapStore();
    const file = { name: 'a:b.nii', size: 10, lastModified: 5 };
    const url = '/api/uploads/0123456789abcdef0123456789abcdef';
    assert.equal(recallUpload(store, 3, file), undefined);
    rememberUpload(store, 3, file, url, new Date('2025-06-01T00:00:00Z'));
    assert.deepEqual(recallUpload(store, 3, file), { url, phaseId: 3, fileName: 'a:b.nii', size: 10, createdAt: '2025-06-01T00:00:00.000Z' });
    assert.equal(recallUpload(store, 4, file), undefined, 'another phase');
    assert.equal(recallUpload(store, 3, { ...file, lastModified: 6 }), undefined, 'a changed file');
    forgetUpload(store, 3, file);
    assert.equal(recallUpload(store, 3, file), undefined);

    for (const junk of ['not json', JSON.stringify({ url: 'https://evil.example/x', phaseId: 3, fileName: 'a:b.nii', size: 10 }), JSON.stringify({ url, phaseId: 3, fileName: 'a:b.nii', size: 11 })]) {
      store.setItem(uploadKey(3, file), junk);
      assert.equal(recallUpload(store, 3, file), undefined, junk);
      assert.equal(store.values.size, 0, 'the unusable entry is removed');
    }
  });

  it('keeps working when storage refuses (private mode, full)', () => {
    const refusing: KeyValueStore = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const file = { name: 'x.nii', size: 1, lastModified: 1 };
    assert.doesNotThrow(() => rememberUpload(refusing, 1, file, '/api/uploads/0123456789abcdef0123456789abcdef'));
    assert.equal(recallUpload(refusing, 1, file), undefined);
    assert.doesNotThrow(() => forgetUpload(refusing, 1, file));
  });

  it('computes the Upload-Checksum the server checks: sha256, base64', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 251);
    const expected = createHash('sha256').update(bytes).digest('base64');
    assert.equal(await uploadChecksum(bytes.buffer), `sha256 ${expected}`);
  });
});
