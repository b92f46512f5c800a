/**
 * Resumable uploads (tus 1.0.0) through the real HTTP API: a 60 MB file whose connection drops at 90 % resumes
 * from the server's offset; a connection the client abandoned without closing is taken over by HEAD; the
 * assembled file is validated exactly like a multipart upload (same 422, same 202); offsets, ownership, size
 * limits, checksums, termination and expiry; and `carina submit` resuming through a connection that drops.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeVolume } from '../../evaluator/index.ts';
import { makeClientCommands } from '../../server/cli/commands.ts';
import { removeExpiredUploads } from '../../server/intake/resumable/expire-uploads.ts';
import { CASE_GEOMETRY, createPhaseWithCases, createTeam, writeMask, type PhaseFixture, type TeamFixture } from '../helpers/submission-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { b64, sha256Base64, sha256Hex, TusClient } from './tus-helpers.ts';

const MiB = 2 ** 20;
const BIG_GEOMETRY = { ...CASE_GEOMETRY, size: [400, 400, 375] as [number, number, number] }; // 60 MB of uint8 voxels

async function waitUntil(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A request body that sends `bytes` up to `stopAt` in 1 MiB pieces, then stalls (sends nothing, stays open). */
function stallingBody(bytes: Buffer, stopAt: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent >= stopAt) return new Promise<void>(() => undefined); // stall until the request is aborted
      const end = Math.min(stopAt, sent + MiB);
      controller.enqueue(new Uint8Array(bytes.subarray(sent, end)));
      sent = end;
    },
  });
}

describe('resumable uploads (tus 1.0.0)', function () {
  this.timeout(180_000);
  let t: TestApp;
  let dir: string;
  let phase: PhaseFixture;
  let team: TeamFixture;
  let tus: TusClient;
  let goodMask: string;
  const partFile = (id: string) => join(t.storageDir, 'tmp', 'resumable', `${id}.part`);

  before(async () => {
    t = await createTestApp('tus', { MAX_UPLOAD_BYTES: String(70 * MiB) });
    dir = mkdtempSync(join(tmpdir(), 'carina-tus-'));
    phase = await createPhaseWithCases(t, { caseNames: ['ATM_001'], dailyLimit: 50 });
    team = await createTeam(t, phase.challengeId);
    tus = new TusClient(t.baseUrl, (await team.member.post('/api/tokens', { name: 'tus' })).body.token);
    goodMask = await writeMask(join(dir, 'ATM_001.nii.gz'));
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces the protocol, its extensions, the size limit and sha256 on OPTIONS', async () => {
    const res = await fetch(`${t.baseUrl}/api/uploads`, { method: 'OPTIONS' });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('tus-version'), '1.0.0');
    assert.equal(res.headers.get('tus-resumable'), '1.0.0');
    assert.equal(res.headers.get('tus-extension'), 'creation,termination,expiration,checksum');
    assert.equal(res.headers.get('tus-max-size'), String(70 * MiB));
    assert.equal(res.headers.get('tus-checksum-algorithm'), 'sha256');
  });

  it('a 60 MB file whose connection drops at 90 % resumes from the server\'s offset and becomes a submission', async () => {
    const big = (await createPhaseWithCases(t, { caseNames: ['ATM_900'] }));
    await t.db.query('update cases set geometry = $1 where id = $2', [JSON.stringify(BIG_GEOMETRY), big.cases.ATM_900]);
    const bigTeam = await createTeam(t, big.challengeId);
    const client = new TusClient(t.baseUrl, (await bigTeam.member.post('/api/tokens', { name: 'big' })).body.token);
    const [nx, ny, nz] = BIG_GEOMETRY.size;
    const data = new Uint8Array(nx * ny * nz);
    for (let z = 100; z < 300; z++) for (let y = 190; y < 210; y++) data.fill(1, 190 + nx * (y + ny * z), 210 + nx * (y + ny * z));
    const path = join(dir, 'ATM_900.nii');
    await writeVolume(path, { ...BIG_GEOMETRY, componentType: 'uint8', data });
    const bytes = readFileSync(path);
    assert.ok(bytes.length > 60_000_000, `the file has ${bytes.length} bytes`);

    const created = await client.create(big.phaseId, 'ATM_900.nii', bytes.length);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.path, /^\/api\/uploads\/[0-9a-f]{32}$/);
    // issue 11: a reservation that receives no byte lapses after UPLOAD_IDLE_EXPIRY_S (10 min); bytes extend it to 24 h
    assert.ok(Date.parse(created.headers.get('upload-expires')!) <= Date.now() + 600_000);
    const id: string = created.body.upload.id;

    const dropAt = Math.floor(bytes.length * 0.9);
    const connection = new AbortController();
    const cut = client.patch(created.path, 0, stallingBody(bytes, dropAt), {}, connection.signal).then(
      () => assert.fail('the cut request must not succeed'),
      (error: Error) => error.name,
    );
    await waitUntil('90 % on the server\'s disk', () => existsSync(partFile(id)) && statSync(partFile(id)).size === dropAt);
    connection.abort(); // the connection drops mid-stream
    assert.equal(await cut, 'AbortError');

    const offset = await client.offset(created.path);
    assert.equal(offset, dropAt, 'the server kept every byte that reached it');
    const rest = await client.patch(created.path, offset, bytes.subarray(offset), { 'upload-checksum': `sha256 ${sha256Base64(bytes.subarray(offset))}` });
    assert.equal(rest.status, 204, JSON.stringify(rest.body));
    assert.equal(rest.headers.get('upload-offset'), String(bytes.length));
    assert.ok(Date.parse(rest.headers.get('upload-expires')!) > Date.now() + 23 * 3600_000, 'bytes arrived: kept for a day');

    const submitted = await bigTeam.member.post(`/api/phases/${big.phaseId}/submissions/from-uploads`, { uploadIds: [id], note: 'resumed' });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    assert.deepEqual(submitted.body.submission.cases, [{ case: 'ATM_900', file: 'ATM_900.nii' }]);
    const stored = (await t.db.query('select sf.sha256, s.note from submission_files sf join submissions s on s.id = sf.submission_id where s.id = $1', [submitted.body.submission.id])).rows;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].sha256, sha256Hex(bytes), 'the assembled file is byte for byte the one sent');
    assert.equal(stored[0].note, 'resumed');
    assert.equal(sha256Hex(readFileSync(await t.deps.storage.blobPath(stored[0].sha256))), stored[0].sha256);
    assert.equal((await t.db.query(`select count(*)::int as n from evaluations where submission_id = $1 and status = 'queued'`, [submitted.body.submission.id])).rows[0].n, 1);
    assert.equal((await t.db.query('select count(*)::int as n from resumable_uploads where id = $1', [id])).rows[0].n, 0, 'the upload is consumed');
    assert.equal(existsSync(partFile(id)), false);
    assert.equal((await client.request('HEAD', created.path)).status, 404);
  });

  it('HEAD takes over a PATCH whose client went silent without closing, and reports the final offset', async () => {
    const bytes = readFileSync(goodMask);
    const padded = Buffer.concat([bytes, randomBytes(6 * MiB)]); // any bytes: this test stops before validation
    const created = await tus.create(phase.phaseId, 'ATM_001.bin', padded.length);
    const id: string = created.body.upload.id;
    const stalled = tus.patch(created.path, 0, stallingBody(padded, 4 * MiB)).then(
      (reply) => reply.status,
      () => 'connection closed by the server',
    );
    await waitUntil('4 MiB on disk', () => existsSync(partFile(id)) && statSync(partFile(id)).size === 4 * MiB);
    assert.equal(await tus.offset(created.path), 4 * MiB);
    assert.equal(await stalled, 'connection closed by the server');
    const rest = await tus.patch(created.path, 4 * MiB, padded.subarray(4 * MiB));
    assert.equal(rest.status, 204);
    assert.equal(sha256Hex(readFileSync(partFile(id))), sha256Hex(padded));
    assert.equal((await tus.request('DELETE', created.path)).status, 204);
  });

  it('validates an assembled file exactly like a multipart upload: the same 422 for a wrong grid, the same 202 for a good one', async () => {
    mkdirSync(join(dir, 'wrong'));
    const wrong = await writeMask(join(dir, 'wrong', 'ATM_001.nii.gz'), { geometry: { size: [16, 16, 11] } });
    const direct = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [wrong]);
    assert.equal(direct.status, 422);
    const id = await tus.uploadFile(phase.phaseId, wrong, 'ATM_001.nii.gz');
    const viaTus = await team.member.post(`/api/phases/${phase.phaseId}/submissions/from-uploads`, { uploadIds: [id] });
    assert.equal(viaTus.status, 422);
    assert.deepEqual(viaTus.body, direct.body);
    assert.match(viaTus.body.error.details[0].problem, /16x16x11/);
    // the failed attempt leaves the upload in place (a corrected file can join it), and nothing else
    assert.equal((await t.db.query('select claimed_until from resumable_uploads where id = $1', [id])).rows[0].claimed_until, null);
    assert.equal((await t.db.query('select count(*)::int as n from submissions where team_id = $1', [team.teamId])).rows[0].n, 0);

    const good = await tus.uploadFile(phase.phaseId, goodMask, 'ATM_001.nii.gz');
    const accepted = await team.member.post(`/api/phases/${phase.phaseId}/submissions/from-uploads`, { uploadIds: [good] });
    const directOk = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [goodMask]);
    assert.equal(accepted.status, 202);
    assert.equal(directOk.status, 202);
    assert.deepEqual(Object.keys(accepted.body).sort(), Object.keys(directOk.body).sort());
    assert.deepEqual(accepted.body.submission.cases, directOk.body.submission.cases);
    const shas = (await t.db.query('select sha256 from submission_files where submission_id = any($1)', [[accepted.body.submission.id, directOk.body.submission.id]])).rows;
    assert.equal(new Set(shas.map((r) => r.sha256)).size, 1, 'both paths stored the same blob');
    assert.equal((await tus.request('DELETE', `/api/uploads/${id}`)).status, 204);
  });

  it('answers 409 to a PATCH at the wrong offset and keeps nothing of it', async () => {
    const created = await tus.create(phase.phaseId, 'ATM_001.nii.gz', 100);
    assert.equal((await tus.patch(created.path, 0, Buffer.alloc(40, 7))).status, 204);
    for (const wrongOffset of [0, 39, 41]) {
      const reply = await tus.patch(created.path, wrongOffset, Buffer.alloc(10, 9));
      assert.equal(reply.status, 409);
      assert.equal(reply.body.error.code, 'CONFLICT');
      assert.match(reply.body.error.message, new RegExp(`Upload-Offset is ${wrongOffset} but the server holds 40 bytes`));
    }
    assert.equal(await tus.offset(created.path), 40);
    const incomplete = await team.member.post(`/api/phases/${phase.phaseId}/submissions/from-uploads`, { uploadIds: [created.body.upload.id] });
    assert.equal(incomplete.status, 409);
    assert.match(incomplete.body.error.message, /has 40 of its 100 bytes/);
    assert.equal((await tus.request('DELETE', created.path)).status, 204);
  });

  it('hides an upload from everyone but its creator: 404 on HEAD, PATCH, DELETE and from-uploads', async () => {
    const created = await tus.create(phase.phaseId, 'ATM_001.nii.gz', 10);
    const teammateAgent = t.agent();
    await teammateAgent.register(`teammate-${process.pid}@example.org`);
    const teammateId = (await t.db.query('select id from users where email = $1', [`teammate-${process.pid}@example.org`])).rows[0].id;
    await t.db.query('insert into team_members (team_id, user_id, challenge_id) values ($1, $2, $3)', [team.teamId, teammateId, phase.challengeId]);
    const other = await createTeam(t, phase.challengeId);
    for (const agent of [teammateAgent, other.member]) {
      const intruder = new TusClient(t.baseUrl, (await agent.post('/api/tokens', { name: 'intruder' })).body.token);
      assert.equal((await intruder.request('HEAD', created.path)).status, 404);
      const patch = await intruder.patch(created.path, 0, Buffer.alloc(10));
      assert.equal(patch.status, 404);
      assert.equal(patch.body.error.code, 'NOT_FOUND');
      assert.equal((await intruder.request('DELETE', created.path)).status, 404);
      const submit = await agent.post(`/api/phases/${phase.phaseId}/submissions/from-uploads`, { uploadIds: [created.body.upload.id] });
      assert.equal(submit.status, 404);
    }
    assert.equal(await tus.offset(created.path), 0, 'nothing was written');
    assert.equal((await t.db.query('select count(*)::int as n from submissions where team_id = $1', [other.teamId])).rows[0].n, 0);
    assert.equal((await tus.request('DELETE', created.path)).status, 204);
  });

  it('refuses an upload over MAX_UPLOAD_BYTES at creation (413), and bytes beyond Upload-Length', async () => {
    const tooBig = await tus.create(phase.phaseId, 'ATM_001.zip', 70 * MiB + 1);
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.error.code, 'PAYLOAD_TOO_LARGE');
    assert.match(tooBig.body.error.message, /larger than 70 MiB, the upload limit per file/);
    const created = await tus.create(phase.phaseId, 'ATM_001.nii.gz', 10);
    const declared = await tus.patch(created.path, 0, Buffer.alloc(20));
    assert.equal(declared.status, 413);
    const chunked = await tus.patch(created.path, 0, new Blob([Buffer.alloc(20)]).stream());
    assert.equal(chunked.status, 413, 'a chunked body that runs past the length is refused too');
    assert.equal(await tus.offset(created.path), 0, 'none of the refused bodies was kept');
    assert.equal((await tus.request('DELETE', created.path)).status, 204);
  });

  it('checks Upload-Checksum (sha256): a mismatch keeps nothing, a match is appended', async () => {
    const created = await tus.create(phase.phaseId, 'ATM_001.nii.gz', 8);
    const body = Buffer.from('abcdefgh');
    const bad = await tus.patch(created.path, 0, body, { 'upload-checksum': `sha256 ${sha256Base64(Buffer.from('other'))}` });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /does not match its Upload-Checksum/);
    assert.equal(await tus.offset(created.path), 0);
    const unsupported = await tus.patch(created.path, 0, body, { 'upload-checksum': `md5 ${createHash('md5').update(body).digest('base64')}` });
    assert.equal(unsupported.status, 400);
    const good = await tus.patch(created.path, 0, body, { 'upload-checksum': `sha256 ${sha256Base64(body)}` });
    assert.equal(good.status, 204);
    assert.equal(good.headers.get('upload-offset'), '8');
    assert.equal((await tus.request('DELETE', created.path)).status, 204);
  });

  it('speaks only tus: Tus-Resumable, the offset content type and well-formed headers are required', async () => {
    const created = await tus.create(phase.phaseId, 'ATM_001.nii.gz', 8);
    const noVersion = await fetch(t.baseUrl + created.path, { method: 'HEAD', headers: { authorization: `Bearer ${tus.token}` } });
    assert.equal(noVersion.status, 400);
    const json = await tus.request('PATCH', created.path, { 'content-type': 'application/json', 'upload-offset': '0' }, '{}');
    assert.equal(json.status, 415);
    assert.equal(json.body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal((await tus.request('PATCH', created.path, { 'content-type': 'application/offset+octet-stream' }, 'x')).status, 400);
    assert.equal((await tus.request('POST', '/api/uploads', { 'upload-length': '10', 'upload-metadata': `phase ${b64(String(phase.phaseId))}` })).status, 400, 'no file name');
    assert.equal((await tus.request('POST', '/api/uploads', { 'upload-length': '10', 'upload-metadata': `filename ${b64('../../etc/passwd')},phase ${b64(String(phase.phaseId))}` })).status, 400, 'a path as the name');
    assert.equal((await tus.request('POST', '/api/uploads', { 'upload-length': '-1', 'upload-metadata': `filename ${b64('a.nii')},phase ${b64(String(phase.phaseId))}` })).status, 400);
    assert.equal((await tus.request('POST', '/api/uploads', { 'upload-metadata': `filename ${b64('a.nii')},phase ${b64(String(phase.phaseId))}` })).status, 400, 'no length');
    assert.equal((await tus.request('DELETE', created.path)).status, 204);
  });

  it('needs a signed-in caller, and the CSRF token with a session', async () => {
    const anonymous = await fetch(`${t.baseUrl}/api/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '1' } });
    assert.equal(anonymous.status, 401);
    const headers = { 'tus-resumable': '1.0.0', 'upload-length': '10', 'upload-metadata': `phase ${b64(String(phase.phaseId))},filename ${b64('ATM_001.nii.gz')}` };
    const noCsrf = await team.member.request('POST', '/api/uploads', undefined, { csrf: false, headers });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.error.code, 'CSRF_FAILED');
    const withCsrf = await team.member.request('POST', '/api/uploads', undefined, { headers });
    assert.equal(withCsrf.status, 201);
    assert.equal((await tus.request('DELETE', withCsrf.headers.get('location')!)).status, 204);
  });

  it('DELETE removes the upload and its bytes', async () => {
    const created = await tus.create(phase.phaseId, 'ATM_001.nii.gz', 10);
    await tus.patch(created.path, 0, Buffer.alloc(5));
    const id = created.body.upload.id;
    assert.equal(existsSync(partFile(id)), true);
    assert.equal((await tus.request('DELETE', created.path)).status, 204);
    assert.equal(existsSync(partFile(id)), false);
    assert.equal((await tus.request('HEAD', created.path)).status, 404);
    assert.equal((await t.db.query('select count(*)::int as n from resumable_uploads where id = $1', [id])).rows[0].n, 0);
  });

  it('removes expired uploads: at once when asked for, and by the sweep (stray part files too)', async () => {
    const first = await tus.create(phase.phaseId, 'ATM_001.nii.gz', 10);
    const second = await tus.create(phase.phaseId, 'ATM_001.nii.gz', 10);
    await tus.patch(first.path, 0, Buffer.alloc(4));
    await tus.patch(second.path, 0, Buffer.alloc(4));
    const [a, b] = [first.body.upload.id, second.body.upload.id];
    await t.db.query(`update resumable_uploads set expires_at = now() - interval '1 second' where id = any($1)`, [[a, b]]);
    assert.equal((await tus.request('HEAD', first.path)).status, 404);
    assert.equal(existsSync(partFile(a)), false, 'asking for an expired upload removes its bytes');
    const stray = randomBytes(16).toString('hex');
    writeFileSync(partFile(stray), 'left by a crash');
    utimesSync(partFile(stray), new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    const removed = await removeExpiredUploads(t.deps);
    assert.deepEqual(removed.sort(), [b, stray].sort());
    assert.equal(existsSync(partFile(b)), false);
    assert.equal(existsSync(partFile(stray)), false);
    assert.equal((await t.db.query('select count(*)::int as n from resumable_uploads where id = any($1)', [[a, b]])).rows[0].n, 0);
  });

  it('`carina submit` sends big files resumably and resumes after the connection drops', async () => {
    // a TCP proxy in front of the server that cuts the first connection after 60 % of the file has passed
    const file = join(dir, 'ATM_001.nii.gz');
    await writeMask(file);
    const size = statSync(file).size;
    let forwarded = 0;
    let cuts = 0;
    const upstream = new URL(t.baseUrl);
    const proxy: Server = createServer((client: Socket) => {
      const server = createConnection(Number(upstream.port), upstream.hostname);
      client.on('data', (chunk: Buffer) => {
        forwarded += chunk.length;
        if (cuts === 0 && forwarded > size * 0.6 + 600) {
          cuts++;
          server.write(chunk.subarray(0, 200));
          client.destroy();
          server.destroy();
          return;
        }
        server.write(chunk);
      });
      server.on('data', (chunk) => client.write(chunk));
      server.on('error', () => client.destroy());
      client.on('error', () => server.destroy());
      server.on('close', () => client.destroy());
      client.on('close', () => server.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    let out = '';
    let err = '';
    const commands = makeClientCommands({ stdout: (s) => void (out += s), stderr: (s) => void (err += s), fetch: (...args) => fetch(...args), retryDelayMs: 50 });
    try {
      const code = await commands.submit(['--phase', String(phase.phaseId), '--token', tus.token, '--url', `http://127.0.0.1:${port}`, '--resumable-over', '0', file]);
      assert.equal(code, 0, err);
    } finally {
      proxy.close();
    }
    assert.equal(cuts, 1, 'the connection was cut once');
    assert.match(err, /resuming at byte \d+ of \d+ \(retry 1\)/);
    const reply = JSON.parse(out);
    assert.equal(reply.submission.status, 'queued');
    const sha = (await t.db.query('select sha256 from submission_files where submission_id = $1', [reply.submission.id])).rows[0].sha256;
    assert.equal(sha, sha256Hex(readFileSync(file)));

    // a refused submission (wrong grid) gives the server's 422 and removes the uploads it made
    mkdirSync(join(dir, 'cli-wrong'));
    const wrong = await writeMask(join(dir, 'cli-wrong', 'ATM_001.nii.gz'), { geometry: { size: [16, 16, 10] } });
    err = '';
    const refused = await commands.submit(['--phase', String(phase.phaseId), '--token', tus.token, '--url', t.baseUrl, '--resumable-over', '0', wrong]);
    assert.equal(refused, 2);
    assert.match(err, /VALIDATION_FAILED/);
    assert.equal((await t.db.query('select count(*)::int as n from resumable_uploads where user_id = (select user_id from team_members where team_id = $1)', [team.teamId])).rows[0].n, 0);
  });
});
