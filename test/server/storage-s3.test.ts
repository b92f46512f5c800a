/**
 * The S3 storage driver against a real S3-compatible server (s3rver, in its own process on loopback): blobs by
 * content, objects by key, a 100 MB file streamed without buffering, the verified local cache readers get, its
 * bound, and clear errors for missing or corrupt blobs and for a store that is not there.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sha256File } from '../../server/storage/local-storage.ts';
import { MissingInStoreError, S3Storage } from '../../server/storage/s3-storage.ts';
import { startS3TestServer, type S3TestServer } from '../helpers/s3-test-server.ts';

const BUCKET = 'carina-test';
const MiB = 2 ** 20;

describe('S3 storage driver (real S3-compatible server)', function () {
  this.timeout(180_000);
  let s3: S3TestServer;
  let raw: S3Client;
  let dir: string;
  const storages: S3Storage[] = [];
  let serial = 0;

  /** A driver with its own local folder (as on another machine), on `prefix`. */
  async function storage(prefix = 'carina', options: { cacheMaxBytes?: number; cacheProtectMs?: number } = {}): Promise<S3Storage> {
    const s = await new S3Storage(s3.settings(BUCKET, prefix), {
      localDir: mkdtempSync(join(dir, 'local-')),
      cacheMaxBytes: options.cacheMaxBytes ?? 64 * MiB,
      cacheProtectMs: options.cacheProtectMs,
    }).init();
    storages.push(s);
    return s;
  }

  function localFile(content: Buffer | string): string {
    const path = join(dir, `file-${++serial}.bin`);
    writeFileSync(path, content);
    return path;
  }

  async function keys(prefix: string): Promise<string[]> {
    const reply = await raw.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (reply.Contents ?? []).map((o) => o.Key!).sort();
  }

  const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

  before(async () => {
    s3 = await startS3TestServer([BUCKET]);
    const { endpoint, credentials, region } = s3.settings(BUCKET);
    raw = new S3Client({ endpoint, credentials, region, forcePathStyle: true });
    dir = mkdtempSync(join(tmpdir(), 'carina-s3-test-'));
  });

  after(async () => {
    for (const s of storages) s.destroy();
    raw?.destroy();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a file under <prefix>/blobs/ab/<sha256>, removes the local copy, and finds it by hash', async () => {
    const store = await storage('put');
    const content = 'an airway mask, more or less';
    const path = localFile(content);
    const blob = await store.putFile(path);
    assert.deepEqual(blob, { sha256: sha(content), size: Buffer.byteLength(content) });
    assert.equal(existsSync(path), false, 'the local file was moved into the store');
    assert.deepEqual(await keys('put/'), [`put/blobs/${blob.sha256.slice(0, 2)}/${blob.sha256}`]);
    assert.equal(await store.hasBlob(blob.sha256), true);
    assert.equal(await store.hasBlob(sha('something else')), false);
  });

  it('stores the same content once, whoever sends it', async () => {
    const first = await storage('dedup');
    const second = await storage('dedup');
    const content = randomBytes(64 * 1024);
    const a = await first.putFile(localFile(content));
    const b = await second.putFile(localFile(content));
    assert.equal(a.sha256, b.sha256);
    assert.deepEqual(await keys('dedup/'), [`dedup/blobs/${a.sha256.slice(0, 2)}/${a.sha256}`]);
  });

  it('keeps derived artefacts by key, under the prefix, and says which key is missing', async () => {
    const store = await storage('objects');
    const data = new Uint8Array(randomBytes(300_000));
    await store.putObject('prepared/12/prepared-gold.bin', data);
    assert.deepEqual(await keys('objects/'), ['objects/objects/prepared/12/prepared-gold.bin']);
    const back = await (await storage('objects')).getObject('prepared/12/prepared-gold.bin');
    assert.ok(Buffer.isBuffer(back));
    assert.equal(sha(back), sha(Buffer.from(data)));
    await assert.rejects(store.getObject('prepared/99/none.bin'), (error: Error) => {
      assert.ok(error instanceof MissingInStoreError);
      assert.match(error.message, /object prepared\/99\/none\.bin is not in the object store \(no s3:\/\/carina-test\/objects\/objects\/prepared\/99\/none\.bin\)/);
      return true;
    });
    await assert.rejects(store.putObject('../escape', data), /bad storage key/);
  });

  it('gives readers a local copy verified by sha256, and reuses it without downloading again', async () => {
    const writer = await storage('read');
    const content = randomBytes(3 * MiB + 17);
    const { sha256 } = await writer.putFile(localFile(content));
    const reader = await storage('read');
    const path = await reader.blobPath(sha256);
    assert.ok(path.startsWith(join(reader.scratchDir, 'blob-cache')), `${path} is in the cache under the scratch folder`);
    assert.equal(await sha256File(path), sha256);
    // the store loses the blob: the cached copy still serves readers on this machine
    await raw.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `read/blobs/${sha256.slice(0, 2)}/${sha256}` }));
    assert.equal(await reader.blobPath(sha256), path);
    // concurrent readers of a blob not cached yet share one download
    const other = randomBytes(MiB);
    const otherSha = (await writer.putFile(localFile(other))).sha256;
    const fresh = await storage('read');
    const paths = await Promise.all([fresh.blobPath(otherSha), fresh.blobPath(otherSha), fresh.blobPath(otherSha)]);
    assert.equal(new Set(paths).size, 1);
    assert.equal(sha(readFileSync(paths[0])), otherSha);
  });

  it('streams a blob or a byte range of it from the store for downloads, without a local copy', async () => {
    const writer = await storage('ranges');
    const content = randomBytes(2 * MiB + 5);
    const { sha256 } = await writer.putFile(localFile(content));
    const reader = await storage('ranges');
    const read = async (range?: { start: number; end: number }) => {
      const chunks: Buffer[] = [];
      for await (const chunk of await reader.readBlob(sha256, range)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    };
    assert.equal(sha(await read()), sha256);
    assert.deepEqual(await read({ start: 1000, end: 1999 }), content.subarray(1000, 2000));
    assert.deepEqual(await read({ start: content.length - 5, end: content.length - 1 }), content.subarray(content.length - 5));
    assert.deepEqual(readdirSync(reader.cache.incomingDir), [], 'nothing was downloaded into the cache');
    await assert.rejects(reader.readBlob('0'.repeat(64)), /not in the object store/);
  });

  it('refuses a missing blob with an error naming it and where it was looked for', async () => {
    const store = await storage('missing');
    const absent = sha('never stored');
    await assert.rejects(store.blobPath(absent), (error: Error & { code?: string }) => {
      assert.ok(error instanceof MissingInStoreError);
      assert.equal(error.code, 'ENOENT');
      assert.equal(error.message, `blob ${absent} is not in the object store (no s3://${BUCKET}/missing/blobs/${absent.slice(0, 2)}/${absent})`);
      return true;
    });
    await assert.rejects(store.blobPath('not-a-hash'), /not a sha256/);
  });

  it('discards a download whose content does not match its hash', async () => {
    const store = await storage('corrupt');
    const claimed = sha('the real content');
    await raw.send(new PutObjectCommand({ Bucket: BUCKET, Key: `corrupt/blobs/${claimed.slice(0, 2)}/${claimed}`, Body: 'tampered content' }));
    await assert.rejects(store.blobPath(claimed), new RegExp(`corrupt/blobs/${claimed.slice(0, 2)}/${claimed} is corrupt: its content hashes to ${sha('tampered content')}`));
    assert.equal(existsSync(store.cache.pathOf(claimed)), false, 'nothing corrupt is cached');
    assert.equal(await store.cache.size(), 0);
  });

  it('keeps the local cache within its bound, evicting the least recently used blob', async () => {
    const writer = await storage('bound');
    const shas: string[] = [];
    for (let n = 0; n < 4; n++) shas.push((await writer.putFile(localFile(randomBytes(MiB)))).sha256);
    const reader = await storage('bound', { cacheMaxBytes: 2.5 * MiB, cacheProtectMs: 0 });
    await reader.blobPath(shas[0]);
    await new Promise((r) => setTimeout(r, 20));
    await reader.blobPath(shas[1]);
    await new Promise((r) => setTimeout(r, 20));
    await reader.blobPath(shas[0]); // a hit: 0 is now more recent than 1
    await new Promise((r) => setTimeout(r, 20));
    await reader.blobPath(shas[2]); // 3 MiB > 2.5 MiB: the least recently used (1) goes
    assert.equal(existsSync(reader.cache.pathOf(shas[1])), false, 'least recently used evicted');
    assert.equal(existsSync(reader.cache.pathOf(shas[0])), true, 'recently used kept');
    assert.equal(existsSync(reader.cache.pathOf(shas[2])), true, 'just downloaded kept');
    assert.ok((await reader.cache.size()) <= 2.5 * MiB);
    // an evicted blob is simply downloaded again
    assert.equal(await sha256File(await reader.blobPath(shas[1])), shas[1]);
  });

  it('streams a 100 MB file to the store without holding it in memory', async () => {
    const path = join(dir, 'big.bin');
    const out = createWriteStream(path);
    const chunk = randomBytes(MiB);
    for (let n = 0; n < 100; n++) {
      chunk.writeUInt32LE(n, 0); // every MiB differs
      if (!out.write(Buffer.from(chunk))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const expected = await sha256File(path);
    const store = await storage('big');
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const started = performance.now();
    const blob = await store.putFile(path);
    const ms = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMiB = (peak - baseline) / MiB;
    process.stdout.write(`      100 MiB streamed upload: ${Math.round(ms)} ms, RSS growth ${growthMiB.toFixed(1)} MiB\n`);
    assert.equal(blob.sha256, expected);
    assert.equal(blob.size, 100 * MiB);
    assert.ok(growthMiB < 60, `RSS grew by ${growthMiB.toFixed(1)} MiB while uploading 100 MiB`);
    // read back on "another machine": downloaded, verified, same bytes
    const reader = await storage('big');
    const copy = await reader.blobPath(blob.sha256);
    assert.equal(statSync(copy).size, 100 * MiB);
    assert.equal(await sha256File(copy), expected);
  });

  it('stops start-up with a clear message when the bucket is missing or the key is wrong', async () => {
    const local = mkdtempSync(join(dir, 'init-'));
    await assert.rejects(
      new S3Storage(s3.settings('no-such-bucket', 'x'), { localDir: local, cacheMaxBytes: MiB }).init(),
      new RegExp(`^Error: STORAGE_URL s3://no-such-bucket/x at ${s3.endpoint.replace(/[.]/g, '\\.')}: the bucket does not exist$`),
    );
    const wrongKey = { ...s3.settings(BUCKET), credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'wrong' } };
    await assert.rejects(new S3Storage(wrongKey, { localDir: local, cacheMaxBytes: MiB }).init(), /access denied \(check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY\)/);
  });
});
