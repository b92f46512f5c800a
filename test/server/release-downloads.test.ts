/**
 * Downloading a release as download tools do: single files with Range, If-Range, ETag and HEAD; a download cut
 * mid-way and resumed from its offset; the whole release as a zip streamed on the fly; the sha256sum manifest
 * checked by `sha256sum -c`; single-use URLs; the per-team concurrency cap and rate limit (429 with Retry-After);
 * the external link; and the append-only access log with what was actually sent, as JSON and CSV.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { createTeam } from '../helpers/submission-fixtures.ts';
import { waitFor } from '../helpers/platform-rows.ts';
import { apiToken, appWithRelease, rawGet, sha256Of, type ReleaseSetup } from '../helpers/release-fixtures.ts';

const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** Reads `limit` bytes of a download and drops the connection, as a network failure would. */
function partialDownload(url: string, token: string, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      let got = 0;
      res.on('data', (chunk: Buffer) => {
        const take = chunk.subarray(0, Math.max(0, limit - got));
        chunks.push(take);
        got += take.length;
        if (got >= limit) {
          req.destroy();
          resolve(Buffer.concat(chunks));
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', (error) => (error.message.includes('aborted') || error.message.includes('socket hang up') ? undefined : reject(error)));
    req.end();
  });
}

function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error || !archive) return reject(error);
      const entries = new Map<string, Buffer>();
      archive.on('entry', (entry: yauzl.Entry) => {
        if (entry.compressionMethod !== 0) return reject(new Error(`${entry.fileName} is compressed (method ${entry.compressionMethod})`));
        archive.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            archive.readEntry();
          });
        });
      });
      archive.on('end', () => resolve(entries));
      archive.on('error', reject);
      archive.readEntry();
    });
  });
}

describe('release downloads', function () {
  this.timeout(60_000);
  let s: ReleaseSetup;
  let big: ReleaseSetup['files'][number];
  let small: ReleaseSetup['files'][number];
  let filePath: string;

  before(async () => {
    s = await appWithRelease('release-downloads', {}, { 'big.nii.gz': 3 * 1024 * 1024 + 17, 'small.pdf': 1000, 'empty.txt': 0 });
    [big, small] = s.files;
    filePath = `/api/releases/${s.releaseId}/files/${big.id}`;
  });
  after(() => s?.t.close());

  it('sends a whole file with its ETag (the sha256), Accept-Ranges and an attachment name', async () => {
    const reply = await rawGet(s.t, filePath, s.token);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('etag'), `"${sha256Of(big.bytes)}"`);
    assert.equal(reply.headers.get('accept-ranges'), 'bytes');
    assert.equal(reply.headers.get('content-length'), String(big.bytes.length));
    assert.match(reply.headers.get('content-disposition') ?? '', /attachment; filename="big.nii.gz"/);
    assert.equal(sha256Of(reply.bytes), sha256Of(big.bytes));
  });

  it('answers one Range with 206 and the bytes asked for; suffix and open-ended ranges too', async () => {
    const mid = await rawGet(s.t, filePath, s.token, { range: 'bytes=1000-1999' });
    assert.equal(mid.status, 206);
    assert.equal(mid.headers.get('content-range'), `bytes 1000-1999/${big.bytes.length}`);
    assert.deepEqual(mid.bytes, big.bytes.subarray(1000, 2000));
    const tail = await rawGet(s.t, filePath, s.token, { range: 'bytes=-100' });
    assert.deepEqual(tail.bytes, big.bytes.subarray(big.bytes.length - 100));
    const rest = await rawGet(s.t, filePath, s.token, { range: `bytes=${big.bytes.length - 5}-` });
    assert.equal(rest.status, 206);
    assert.deepEqual(rest.bytes, big.bytes.subarray(big.bytes.length - 5));
  });

  it('refuses a Range past the end with 416 and the size; several ranges get the whole file', async () => {
    const past = await rawGet(s.t, filePath, s.token, { range: `bytes=${big.bytes.length}-` });
    assert.equal(past.status, 416);
    assert.equal(past.body.error.code, 'RANGE_NOT_SATISFIABLE');
    assert.equal(past.headers.get('content-range'), `bytes */${big.bytes.length}`);
    const several = await rawGet(s.t, filePath, s.token, { range: 'bytes=0-1,10-11' });
    assert.equal(several.status, 200);
    assert.equal(several.bytes.length, big.bytes.length);
  });

  it('honours If-Range with the ETag, and If-None-Match; HEAD gives the size without the body', async () => {
    const etag = `"${sha256Of(big.bytes)}"`;
    const same = await rawGet(s.t, filePath, s.token, { range: 'bytes=0-9', 'if-range': etag });
    assert.equal(same.status, 206);
    const changed = await rawGet(s.t, filePath, s.token, { range: 'bytes=0-9', 'if-range': '"0000"' });
    assert.equal(changed.status, 200);
    assert.equal(changed.bytes.length, big.bytes.length);
    const cached = await rawGet(s.t, filePath, s.token, { 'if-none-match': etag });
    assert.equal(cached.status, 304);
    const head = await rawGet(s.t, filePath, s.token, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(big.bytes.length));
    assert.equal(head.bytes.length, 0);
  });

  it('a download dropped at 60 % resumes from its offset and ends with the right sha256; the log says what each sent', async () => {
    const cut = Math.floor(big.bytes.length * 0.6);
    const first = await partialDownload(s.t.baseUrl + filePath, s.token, cut);
    assert.equal(first.length, cut);
    const rest = await rawGet(s.t, filePath, s.token, { range: `bytes=${cut}-`, 'if-range': `"${sha256Of(big.bytes)}"` });
    assert.equal(rest.status, 206);
    assert.equal(sha256Of(Buffer.concat([first, rest.bytes])), sha256Of(big.bytes));
    // the dropped transfer is logged with fewer bytes than the file, the resumed one with its range
    // (each entry is written once its transfer has ended on the server, which may be after the client has read the last byte)
    let entries: any[] = [];
    for (let i = 0; i < 100; i++) {
      entries = (await s.fx.organiser.get(`/api/releases/${s.releaseId}/log?teamId=${s.team.teamId}`)).body.entries;
      const droppedLogged = entries.some((e) => e.range === null && e.bytesSent < big.bytes.length && e.fileId === big.id);
      const resumedLogged = entries.some((e) => e.range === `bytes=${cut}-`);
      if (droppedLogged && resumedLogged) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const dropped = entries.find((e) => e.fileId === big.id && e.range === null && e.bytesSent < big.bytes.length);
    assert.ok(dropped, JSON.stringify(entries.slice(0, 5)));
    assert.ok(dropped.bytesSent >= cut - 1, `logged ${dropped.bytesSent} for a transfer cut after ${cut}`);
    const resumed = entries.find((e) => e.range === `bytes=${cut}-`);
    assert.ok(resumed, JSON.stringify(entries.slice(0, 5)));
    assert.equal(resumed.bytesSent, big.bytes.length - cut);
    assert.equal(resumed.teamName, s.team.name);
    assert.equal(resumed.userEmail, s.team.email);
    assert.ok(resumed.address);
  });

  it('streams the whole release as a zip of stored (uncompressed) entries with the same bytes', async () => {
    const reply = await rawGet(s.t, `/api/releases/${s.releaseId}/archive.zip`, s.token);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('content-type'), 'application/zip');
    const entries = await unzip(reply.bytes);
    assert.deepEqual([...entries.keys()].sort(), ['big.nii.gz', 'empty.txt', 'small.pdf']);
    for (const f of s.files) assert.equal(sha256Of(entries.get(f.name)!), sha256Of(f.bytes), f.name);
  });

  it('gives a manifest that sha256sum -c accepts for the downloaded files', async () => {
    const reply = await rawGet(s.t, `/api/releases/${s.releaseId}/manifest.sha256`, s.token);
    assert.equal(reply.status, 200);
    const dir = mkdtempSync(join(tmpdir(), 'carina-manifest-'));
    try {
      writeFileSync(join(dir, 'manifest.sha256'), reply.bytes);
      for (const f of s.files) writeFileSync(join(dir, f.name), f.bytes);
      const out = execFileSync('sha256sum', ['-c', '--strict', 'manifest.sha256'], { cwd: dir, encoding: 'utf8' });
      assert.equal(out.trim().split('\n').filter((l) => l.endsWith(': OK')).length, 3);
      writeFileSync(join(dir, 'small.pdf'), 'tampered');
      assert.throws(() => execFileSync('sha256sum', ['-c', '--strict', 'manifest.sha256'], { cwd: dir, stdio: 'pipe' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives single-use URLs: each works once, without a session, and never again', async () => {
    const reply = await rawGet(s.t, `/api/releases/${s.releaseId}/urls.txt`, s.token);
    assert.equal(reply.status, 200);
    const text = reply.bytes.toString('utf8');
    const urls = [...text.matchAll(/^(http\S+)\n {2}out=(\S+)/gm)].map((m) => ({ url: m[1], name: m[2] }));
    assert.equal(urls.length, 3);
    const smallUrl = urls.find((u) => u.name === 'small.pdf')!;
    const path = new URL(smallUrl.url).pathname;
    const first = await rawGet(s.t, path);
    assert.equal(first.status, 200);
    assert.deepEqual(first.bytes, small.bytes);
    const second = await rawGet(s.t, path);
    assert.equal(second.status, 404);
    assert.equal((await rawGet(s.t, '/api/downloads/not-a-token')).status, 404);
  });

  it('a single-use URL stops working when its user loses access', async () => {
    const reply = await rawGet(s.t, `/api/releases/${s.releaseId}/urls.txt`, s.token);
    const url = new URL(/^(http\S+)/m.exec(reply.bytes.toString('utf8'))![1]);
    await s.fx.organiser.post(`/api/releases/${s.releaseId}/revocations`, { teamId: s.team.teamId });
    try {
      assert.equal((await rawGet(s.t, url.pathname)).status, 403);
    } finally {
      await s.fx.organiser.delete(`/api/releases/${s.releaseId}/revocations/${s.team.teamId}`);
    }
  });

  it('shows an external link only to those who may download, and records who was shown it', async () => {
    const created = await s.fx.organiser.post(`/api/challenges/${s.fx.slug}/releases`, { kind: 'external', name: 'Zenodo', url: 'doi:10.5281/zenodo.1234', opensAt: iso(-1000) });
    assert.equal(created.status, 201, created.text);
    const id = created.body.release.id;
    assert.equal((await s.t.agent().get(`/api/releases/${id}`)).body.release.url, null);
    const shown = await s.team.member.get(`/api/releases/${id}`);
    assert.equal(shown.body.release.url, 'doi:10.5281/zenodo.1234');
    const log = await s.fx.organiser.get(`/api/releases/${id}/log`);
    assert.deepEqual(log.body.entries.map((e: any) => [e.action, e.teamId]), [['link', s.team.teamId]]);
    const noFiles = await s.fx.organiser.upload(`/api/releases/${id}/files`, [{ path: join(s.t.deps.storage.scratchDir, '..', 'x'), name: 'x.pdf' }].filter(() => false));
    assert.equal(noFiles.status, 400);
  });

  it('keeps the access log append-only, and exports it as CSV per release and per team', async () => {
    await assert.rejects(s.t.db.query('update release_access_log set bytes_sent = 0'), /append-only/);
    await assert.rejects(s.t.db.query('delete from release_access_log'), /append-only/);
    await assert.rejects(s.t.db.query('truncate release_access_log'), /append-only/);
    const csv = await s.fx.organiser.get(`/api/releases/${s.releaseId}/log.csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    assert.equal(lines[0], 'at,releaseId,fileId,fileName,action,bytesSent,range,userId,userEmail,teamId,teamName,address');
    assert.ok(lines.length > 5);
    assert.ok(lines.slice(1).every((l) => l.includes(s.team.email)));
    const perTeam = await s.fx.organiser.get(`/api/challenges/${s.fx.slug}/release-log?teamId=${s.team.teamId}`);
    assert.ok(perTeam.body.entries.length >= lines.length - 1);
    const otherTeam = await s.fx.organiser.get(`/api/challenges/${s.fx.slug}/release-log?teamId=999999`);
    assert.equal(otherTeam.body.entries.length, 0);
    const teamCsv = await s.fx.organiser.get(`/api/challenges/${s.fx.slug}/release-log.csv?teamId=${s.team.teamId}`);
    assert.equal(teamCsv.status, 200);
  });
});

describe('release download throttling', function () {
  this.timeout(60_000);
  let s: ReleaseSetup;
  before(async () => {
    s = await appWithRelease('release-throttle', { DOWNLOADS_PER_TEAM: '1', DOWNLOAD_REQUESTS_PER_MINUTE: '6' }, { 'large.bin': 32 * 1024 * 1024 });
  });
  after(() => s?.t.close());

  it('caps concurrent downloads per team (429, Retry-After) without touching other teams, and rate-limits requests', async () => {
    const path = `/api/releases/${s.releaseId}/files/${s.files[0].id}`;
    // the first transfer is left unread, so it keeps its slot
    const controller = new AbortController();
    const first = await fetch(s.t.baseUrl + path, { headers: { authorization: `Bearer ${s.token}` }, signal: controller.signal });
    assert.equal(first.status, 200);
    const second = await rawGet(s.t, path, s.token, { range: 'bytes=0-9' });
    assert.equal(second.status, 429);
    assert.equal(second.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(second.headers.get('retry-after')) >= 1);
    const other = await createTeam(s.t, s.fx.challengeId);
    const otherToken = await apiToken(other.member);
    assert.equal((await rawGet(s.t, path, otherToken, { range: 'bytes=0-9' })).status, 206);
    controller.abort();
    await first.body?.cancel().catch(() => undefined);
    // the slot frees when the server sees the transfer end, before it logs it: once the cut transfer is in the log
    // the team may download again (polling the route instead would spend the per-minute points)
    await waitFor('the cut transfer in the access log', async () =>
      (await s.t.db.query('select 1 from release_access_log where file_id = $1 and team_id = $2 and range is null', [s.files[0].id, s.team.teamId])).rowCount, 10_000);
    assert.equal((await rawGet(s.t, path, s.token, { range: 'bytes=0-9' })).status, 206);
    // then the per-minute limit (6 requests) stops the team
    let limited: Awaited<ReturnType<typeof rawGet>> | undefined;
    for (let i = 0; i < 10 && !limited; i++) {
      const reply = await rawGet(s.t, path, s.token, { range: 'bytes=0-9' });
      if (reply.status === 429) limited = reply;
    }
    assert.ok(limited, 'the per-minute limit never answered 429');
    assert.match(limited.body.error.message, /too many download requests/);
    assert.ok(Number(limited.headers.get('retry-after')) > 1);
  });
});

describe('single-use URLs under the download throttle', function () {
  this.timeout(60_000);
  let s: ReleaseSetup;
  before(async () => {
    s = await appWithRelease('release-token-throttle', { DOWNLOADS_PER_TEAM: '1' }, { 'large.bin': 8 * 1024 * 1024 });
  });
  after(() => s?.t.close());

  it('a link refused with 429 (the team\'s slot taken) is not spent: it works once the slot is free, then never again', async () => {
    const [file] = s.files;
    const listed = await rawGet(s.t, `/api/releases/${s.releaseId}/urls.txt`, s.token);
    const link = new URL(/^(http\S+)/m.exec(listed.bytes.toString('utf8'))![1]).pathname;
    // a transfer left unread keeps the team's only slot
    const controller = new AbortController();
    const holding = await fetch(s.t.baseUrl + `/api/releases/${s.releaseId}/files/${file.id}`, { headers: { authorization: `Bearer ${s.token}` }, signal: controller.signal });
    assert.equal(holding.status, 200);
    const refused = await rawGet(s.t, link);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'RATE_LIMITED');
    controller.abort();
    await holding.body?.cancel().catch(() => undefined);
    await waitFor('the cut transfer in the access log', async () =>
      (await s.t.db.query('select 1 from release_access_log where file_id = $1 and range is null', [file.id])).rowCount, 10_000);
    const served = await rawGet(s.t, link);
    assert.equal(served.status, 200);
    assert.equal(sha256Of(served.bytes), sha256Of(file.bytes));
    assert.equal((await rawGet(s.t, link)).status, 404);
  });
});
