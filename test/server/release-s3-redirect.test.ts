/**
 * Release downloads with STORAGE_URL=s3://… against a real S3-compatible server (s3rver, behind a TCP proxy that
 * records the requests clients make to the store): an allowed team's single-file download is a 302 to a presigned
 * URL of the store that serves the right bytes under the file's name and honours Range; a team without access gets
 * a refusal and no URL; the URL expires; the access log has the entry (with the bytes the URL grants) as soon as
 * the redirect is answered; HEAD and the zip stay on the server; RELEASE_S3_REDIRECT=0 streams through the server;
 * and `carina download` follows the redirect, resuming a transfer dropped at 60 % with Range against the store.
 * With S3_PUBLIC_ENDPOINT the redirect names that address while the server itself keeps using S3_ENDPOINT.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClientCommands } from '../../server/cli/commands.ts';
import { attachmentHeader } from '../../server/releases/send-release-file.ts';
import { droppingProxy, type DroppingProxy } from '../helpers/dropping-proxy.ts';
import { waitFor } from '../helpers/platform-rows.ts';
import { apiToken, appWithRelease, rawGet, sha256Of, type ReleaseSetup } from '../helpers/release-fixtures.ts';
import { startS3TestServer, type S3TestServer } from '../helpers/s3-test-server.ts';
import { createTeam, registeredOutsider } from '../helpers/submission-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

const BUCKET = 'carina';
const EXPIRY_S = 3;

const logCount = async (t: TestApp) => (await t.db.query('select count(*)::int as n from release_access_log')).rows[0].n as number;

describe('release downloads from S3 storage (presigned URLs, real S3-compatible server)', function () {
  this.timeout(120_000);
  let s3: S3TestServer;
  let store: DroppingProxy;
  let s: ReleaseSetup;
  let big: ReleaseSetup['files'][number];
  let doc: ReleaseSetup['files'][number];
  let out: string;

  before(async () => {
    s3 = await startS3TestServer([BUCKET]);
    // clients reach the store through this proxy (the presigned URLs name it), so the test sees their requests
    store = await droppingProxy(new URL(s3.endpoint), /X-Amz-Signature=/);
    s = await appWithRelease('release_s3', { ...s3.env(BUCKET, 'redirect'), S3_ENDPOINT: store.url, RELEASE_URL_EXPIRY_S: String(EXPIRY_S) }, {
      'big.nii.gz': randomBytes(2 * 1024 * 1024 + 123),
      'Label protocol (v2).pdf': randomBytes(5000),
    }, { ofPhase: true });
    [big, doc] = s.files;
    out = mkdtempSync(join(tmpdir(), 'carina-s3-download-'));
  });
  after(async function () {
    await s?.t.close(this.currentTest?.state === 'failed');
    await store?.close();
    await s3?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('sends an allowed team to a short-lived presigned URL that serves the file, named, with Range', async () => {
    const before = await logCount(s.t);
    const reply = await rawGet(s.t, `/api/releases/${s.releaseId}/files/${doc.id}`, s.token);
    assert.equal(reply.status, 302);
    assert.equal(reply.bytes.length, 0);
    assert.equal(reply.headers.get('cache-control'), 'no-store');
    const location = new URL(reply.headers.get('location')!);
    assert.equal(location.origin, store.url);
    assert.equal(location.searchParams.get('X-Amz-Expires'), String(EXPIRY_S));
    assert.match(location.pathname, new RegExp(`/${BUCKET}/redirect/blobs/${sha256Of(doc.bytes).slice(0, 2)}/${sha256Of(doc.bytes)}$`));
    // the log entry exists as soon as the URL is out: the whole file, as that is what the URL grants
    assert.equal(await logCount(s.t), before + 1);

    const fromStore = await fetch(location);
    assert.equal(fromStore.status, 200);
    const bytes = Buffer.from(await fromStore.arrayBuffer());
    assert.equal(sha256Of(bytes), sha256Of(doc.bytes));
    assert.equal(fromStore.headers.get('content-disposition'), attachmentHeader(doc.name));
    assert.equal(fromStore.headers.get('content-type'), 'application/octet-stream');

    const part = await fetch(location, { headers: { range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), doc.bytes.subarray(100, 200));
  });

  it('logs the redirect before answering: who, which file, the Range asked and the bytes it grants', async () => {
    const reply = await rawGet(s.t, `/api/releases/${s.releaseId}/files/${big.id}`, s.token, { range: 'bytes=1000-' });
    assert.equal(reply.status, 302);
    const log = await s.fx.organiser.get(`/api/releases/${s.releaseId}/log`);
    assert.equal(log.status, 200);
    const entry = log.body.entries[0];
    assert.equal(entry.action, 'file');
    assert.equal(entry.fileId, big.id);
    assert.equal(entry.teamId, s.team.teamId);
    assert.equal(entry.userEmail, s.team.email);
    assert.equal(entry.range, 'bytes=1000-');
    assert.equal(entry.bytesSent, big.bytes.length - 1000);
    assert.ok(entry.address);
    // a Range past the end is refused here, with no URL
    const past = await rawGet(s.t, `/api/releases/${s.releaseId}/files/${big.id}`, s.token, { range: `bytes=${big.bytes.length}-` });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('location'), null);
  });

  it('gives no URL to a team without access (pending, revoked), an outsider or no one, and logs nothing', async () => {
    const before = await logCount(s.t);
    const pending = await createTeam(s.t, s.fx.challengeId, 'pending');
    const revoked = await createTeam(s.t, s.fx.challengeId);
    assert.equal((await s.fx.organiser.post(`/api/releases/${s.releaseId}/revocations`, { teamId: revoked.teamId, reason: 'shared the data' })).status, 200);
    const outsider = await registeredOutsider(s.t);
    const path = `/api/releases/${s.releaseId}/files/${big.id}`;
    for (const [who, token] of [
      ['pending team', await apiToken(pending.member)],
      ['revoked team', await apiToken(revoked.member)],
      ['outsider', await apiToken(outsider)],
      ['anonymous', undefined],
    ] as const) {
      const reply = await rawGet(s.t, path, token);
      assert.ok([401, 403, 404].includes(reply.status), `${who}: ${reply.status}`);
      assert.equal(reply.headers.get('location'), null, who);
      assert.doesNotMatch(reply.bytes.toString('latin1'), /X-Amz|amazonaws|127\.0\.0\.1/, who);
    }
    assert.equal(await logCount(s.t), before);
  });

  it('lets the URL expire after RELEASE_URL_EXPIRY_S', async () => {
    const reply = await rawGet(s.t, `/api/releases/${s.releaseId}/files/${doc.id}`, s.token);
    assert.equal(reply.status, 302);
    const url = reply.headers.get('location')!;
    // X-Amz-Date has whole seconds: past EXPIRY_S + 1 s the URL is dead for sure
    await new Promise((r) => setTimeout(r, (EXPIRY_S + 1.2) * 1000));
    const late = await fetch(url);
    assert.equal(late.status, 403);
    assert.match(await late.text(), /expired/i);
  });

  it('keeps HEAD, single-use URLs and the zip on the server side of the redirect as each needs', async () => {
    const head = await rawGet(s.t, `/api/releases/${s.releaseId}/files/${big.id}`, s.token, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(big.bytes.length));
    assert.equal(head.headers.get('etag'), `"${sha256Of(big.bytes)}"`);

    const urls = await rawGet(s.t, `/api/releases/${s.releaseId}/urls.txt`, s.token);
    const single = new URL(/^(http\S+)\n {2}out=big\.nii\.gz/m.exec(urls.bytes.toString('utf8'))![1]);
    const spent = await rawGet(s.t, single.pathname);
    assert.equal(spent.status, 302);
    assert.equal(sha256Of(Buffer.from(await (await fetch(spent.headers.get('location')!)).arrayBuffer())), sha256Of(big.bytes));

    const zip = await rawGet(s.t, `/api/releases/${s.releaseId}/archive.zip`, s.token);
    assert.equal(zip.status, 200);
    assert.equal(zip.headers.get('content-type'), 'application/zip');
    assert.ok(zip.bytes.length > big.bytes.length + doc.bytes.length);
  });

  it('carina download follows the redirect and resumes a transfer dropped at 60 % with Range against the store', async () => {
    store.cutNext(Math.floor(big.bytes.length * 0.6));
    const seen = store.heads.length;
    let stdout = '';
    let stderr = '';
    const commands = makeClientCommands({ stdout: (x) => void (stdout += x), stderr: (x) => void (stderr += x), fetch, retryDelayMs: 10 });
    const code = await commands.download(['--release', String(s.releaseId), '--out', out, '--token', s.token, '--url', s.t.baseUrl]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /big\.nii\.gz: interrupted at/);
    for (const file of s.files) assert.equal(sha256Of(readFileSync(join(out, file.name))), sha256Of(file.bytes), file.name);
    assert.equal(existsSync(join(out, 'big.nii.gz.part')), false);
    assert.deepEqual(JSON.parse(stdout).failed, []);

    const heads = store.heads.slice(seen);
    // the store got the bytes requests, never the API token, and the resumed one asked for the rest with Range
    for (const head of heads) assert.doesNotMatch(head, /authorization:/i);
    const resumed = heads.find((h) => /range: bytes=\d+-/i.test(h));
    assert.ok(resumed, heads.join('\n---\n'));
    const offset = Number(/range: bytes=(\d+)-/i.exec(resumed)![1]);
    assert.ok(offset > 0 && offset <= big.bytes.length * 0.6, `resumed from ${offset}`);
    // and Carina logged the resumed request with the Range it was asked for
    const logged = (await s.t.db.query(`select bytes_sent from release_access_log where file_id = $1 and range = $2`, [big.id, `bytes=${offset}-`])).rows;
    assert.deepEqual(logged, [{ bytes_sent: big.bytes.length - offset }]);

    // a second run finds every file complete and asks for nothing
    const again = await makeClientCommands({ stdout: () => undefined, stderr: () => undefined, fetch, retryDelayMs: 10 }).download([
      '--phase', String(s.fx.phaseId), '--out', mkdtempSync(join(out, 'phase-')), '--token', s.token, '--url', s.t.baseUrl,
    ]);
    assert.equal(again, 0);
  });

  describe('with S3_PUBLIC_ENDPOINT', () => {
    let front: DroppingProxy;
    let publicSetup: ReleaseSetup;
    before(async () => {
      // teams reach the store at `front` (a proxy, say); the server keeps talking to s3rver directly
      front = await droppingProxy(new URL(s3.endpoint), /./);
      publicSetup = await appWithRelease('release_s3_public', { ...s3.env(BUCKET, 'public'), S3_PUBLIC_ENDPOINT: front.url }, { 'public.bin': randomBytes(90_000) }, { ofPhase: true });
    });
    after(async function () {
      await publicSetup?.t.close(this.currentTest?.state === 'failed');
      await front?.close();
    });

    it('names the public endpoint in the redirect, while the server uploads and reads through S3_ENDPOINT', async () => {
      const [file] = publicSetup.files;
      // the upload went to the store (the server checked it there) without a request through the public address
      assert.deepEqual(front.heads, []);
      const reply = await rawGet(publicSetup.t, `/api/releases/${publicSetup.releaseId}/files/${file.id}`, publicSetup.token);
      assert.equal(reply.status, 302);
      const location = new URL(reply.headers.get('location')!);
      assert.equal(location.origin, front.url);
      assert.notEqual(location.origin, new URL(s3.endpoint).origin);
      const fetched = await fetch(location);
      assert.equal(fetched.status, 200, 'the signature holds for the public host');
      assert.equal(sha256Of(Buffer.from(await fetched.arrayBuffer())), sha256Of(file.bytes));
      assert.equal(front.heads.length, 1);
      assert.match(front.heads[0], /^GET \/carina\/public\/blobs\/.*X-Amz-Signature=/);
      // the zip is assembled by the server, reading the store at S3_ENDPOINT
      const zip = await rawGet(publicSetup.t, `/api/releases/${publicSetup.releaseId}/archive.zip`, publicSetup.token);
      assert.equal(zip.status, 200);
      assert.ok(zip.bytes.includes(file.bytes.subarray(0, 64)));
      assert.equal(front.heads.length, 1);
      // the server logs the zip once it has ended, maybe after the client read the last byte
      await waitFor('the zip in the access log', async () =>
        (await publicSetup.t.db.query(`select 1 from release_access_log where release_id = $1 and action = 'archive'`, [publicSetup.releaseId])).rowCount);
    });
  });

  describe('with RELEASE_S3_REDIRECT=0', () => {
    let proxied: ReleaseSetup;
    before(async () => {
      proxied = await appWithRelease('release_s3_proxied', { ...s3.env(BUCKET, 'proxied'), RELEASE_S3_REDIRECT: '0' }, { 'small.bin': randomBytes(70_000) }, { ofPhase: true });
    });
    after(async function () {
      await proxied?.t.close(this.currentTest?.state === 'failed');
    });

    it('streams the file through the server, Range included', async () => {
      const [file] = proxied.files;
      const whole = await rawGet(proxied.t, `/api/releases/${proxied.releaseId}/files/${file.id}`, proxied.token);
      assert.equal(whole.status, 200);
      assert.equal(whole.headers.get('location'), null);
      assert.equal(sha256Of(whole.bytes), sha256Of(file.bytes));
      const part = await rawGet(proxied.t, `/api/releases/${proxied.releaseId}/files/${file.id}`, proxied.token, { range: 'bytes=10-19' });
      assert.equal(part.status, 206);
      assert.deepEqual(part.bytes, file.bytes.subarray(10, 20));
    });
  });
});
