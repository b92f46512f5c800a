/**
 * Bounded disks (issue 11, finding 5), through the real HTTP API with the settings a deployment would loosen —
 * MAX_UPLOAD_BYTES at 1 TiB, so the bounds seen here come from the phase's case grids and the per-team budget, not
 * from the platform-wide limit: per-file limits from the case grid, archives refused on their declared size,
 * reservations bounded per team and expiring when idle, a team's reservations never failing another team's upload,
 * rejected uploads counted per team, and the free-space reserve checked before the first byte. The hostile-input
 * table (hostile-inputs.test.ts) repeats the first rows under its own settings.
 */
import assert from 'node:assert/strict';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createPhaseWithCases, createTeam, writeMask, writeZip, type PhaseFixture, type TeamFixture } from '../helpers/submission-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { TusClient } from '../reliability/tus-helpers.ts';

const MiB = 2 ** 20;

/**
 * A multipart upload of one file through node:http, keeping the reply even when the server answers before the
 * body is sent and resets the connection (fetch reports only the reset).
 */
function multipartWithEarlyReply(baseUrl: string, path: string, token: string, file: string): Promise<{ status: number; body: any }> {
  const boundary = `carina${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="${basename(file)}"\r\ncontent-type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = head.length + statSync(file).size + tail.length;
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
      res.on('error', reject);
    });
    req.on('error', () => undefined); // the reset after the reply
    req.write(head);
    const stream = createReadStream(file);
    stream.on('end', () => req.end(tail));
    stream.pipe(req, { end: false });
  });
}

describe('bounded disks: what one team can make the platform hold', function () {
  this.timeout(120_000);
  let t: TestApp;
  let dir: string;
  let phase: PhaseFixture;
  let good: string;

  const tusOf = async (team: TeamFixture) => new TusClient(t.baseUrl, (await team.member.post('/api/tokens', { name: 'disks' })).body.token);

  before(async () => {
    t = await createTestApp('disks', { MAX_UPLOAD_BYTES: String(2 ** 40), TEAM_UPLOAD_BYTES_IN_FLIGHT: String(200 * MiB), REJECTED_UPLOADS_PER_HOUR: '3' });
    dir = mkdtempSync(join(tmpdir(), 'carina-disks-'));
    phase = await createPhaseWithCases(t, { caseNames: ['ATM_001'], dailyLimit: 50 });
    mkdirSync(join(dir, 'good'));
    good = await writeMask(join(dir, 'good', 'ATM_001.nii.gz'));
  });

  after(async function () {
    await t?.close(this.currentTest?.state === 'failed');
    rmSync(dir, { recursive: true, force: true });
  });

  it('limits a file to what the case grid can need (a 16×16×12 case: 128 MiB, not MAX_UPLOAD_BYTES)', async () => {
    const team = await createTeam(t, phase.challengeId);
    const huge = join(dir, 'ATM_001.nii');
    writeFileSync(huge, '');
    truncateSync(huge, 129 * MiB);
    const tus = await tusOf(team);
    const res = await multipartWithEarlyReply(t.baseUrl, `/api/phases/${phase.phaseId}/submissions`, tus.token, huge);
    assert.equal(res.status, 413, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'PAYLOAD_TOO_LARGE');
    assert.match(res.body.error.message, /larger than 128 MiB, the upload limit per file/);
    const reserved = await tus.create(phase.phaseId, 'ATM_001.nii.gz', 129 * MiB);
    assert.equal(reserved.status, 413, JSON.stringify(reserved.body));
  });

  it('refuses an archive whose entry declares more than the case grid can need, before inflating it', async () => {
    const team = await createTeam(t, phase.challengeId);
    const zip = writeZip(join(dir, 'declared.zip'), [{ name: 'ATM_001.nii.gz', data: readFileSync(good), method: 0, declaredSize: 2 ** 31 }]);
    const res = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [zip]);
    assert.equal(res.status, 413, res.text);
    assert.match(res.body.error.message, /archive entry "ATM_001.nii.gz" unpacks to more than 128 MiB/);
  });

  it('bounds a team\'s bytes in flight, and reservations with no byte expire within minutes', async () => {
    const team = await createTeam(t, phase.challengeId);
    const tus = await tusOf(team);
    const first = await tus.create(phase.phaseId, 'ATM_001.zip', 120 * MiB);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const expiresInS = (Date.parse(first.body.upload.expiresAt) - Date.now()) / 1000;
    assert.ok(expiresInS > 0 && expiresInS <= 600, `an idle reservation expires in ${expiresInS.toFixed(0)} s (≤ 10 min)`);
    const second = await tus.create(phase.phaseId, 'ATM_001.tar.gz', 120 * MiB);
    assert.equal(second.status, 429, JSON.stringify(second.body));
    assert.equal(second.body.error.code, 'UPLOAD_BUDGET_EXCEEDED');
    // a multipart upload of the same team counts against the same budget
    const multipart = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [good]);
    assert.equal(multipart.status, 202, 'a small upload still fits beside the reservation');
    assert.equal((await tus.request('DELETE', first.path)).status, 204);
    assert.equal((await tus.create(phase.phaseId, 'ATM_001.tar.gz', 120 * MiB)).status, 201, 'deleting the reservation frees the budget');
  });

  it('one team reserving all it can never makes another team\'s upload fail', async () => {
    const greedy = await tusOf(await createTeam(t, phase.challengeId));
    const free = (await statfs(t.storageDir)).bavail * (await statfs(t.storageDir)).bsize;
    // as much as the disk has: refused (the grid's limit), whatever the disk
    const all = await greedy.create(phase.phaseId, 'ATM_001.zip', free - 64 * MiB - 1024);
    assert.equal(all.status, 413, JSON.stringify(all.body));
    // then everything it is allowed: reservations up to its budget
    let held = 0;
    for (const name of ['a.zip', 'b.zip', 'c.zip', 'd.zip']) {
      const r = await greedy.create(phase.phaseId, name, 100 * MiB);
      if (r.status === 201) held++;
    }
    assert.equal(held, 2, 'two reservations of 100 MiB fill a budget of 200 MiB');
    const other = await createTeam(t, phase.challengeId);
    const tus = await tusOf(other);
    const id = await tus.uploadFile(phase.phaseId, good, 'ATM_001.nii.gz');
    const submitted = await other.member.post(`/api/phases/${phase.phaseId}/submissions/from-uploads`, { uploadIds: [id] });
    assert.equal(submitted.status, 202, submitted.text);
  });

  it('counts a team\'s rejected uploads: past the hourly limit, 429 before a byte is read', async () => {
    const team = await createTeam(t, phase.challengeId);
    const broken = join(dir, 'broken', 'ATM_001.nii.gz');
    mkdirSync(join(dir, 'broken'), { recursive: true });
    writeFileSync(broken, 'not an image at all');
    for (let n = 0; n < 3; n++) {
      const res = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [broken]);
      assert.equal(res.status, 422, res.text);
    }
    const limited = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [good]);
    assert.equal(limited.status, 429, limited.text);
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.match(limited.body.error.message, /3 uploads rejected in the last hour/);
    const other = await createTeam(t, phase.challengeId);
    assert.equal((await other.member.upload(`/api/phases/${phase.phaseId}/submissions`, [good])).status, 202, 'another team is not affected');
  });

  it('keeps the free-space reserve: 507 before the first byte, multipart and resumable', async () => {
    const tight = await createTestApp('disks_reserve', { UPLOAD_RESERVE_BYTES: String(2 ** 50) });
    try {
      const p = await createPhaseWithCases(tight, { caseNames: ['ATM_001'] });
      const team = await createTeam(tight, p.challengeId);
      const res = await team.member.upload(`/api/phases/${p.phaseId}/submissions`, [good]);
      assert.equal(res.status, 507, res.text);
      assert.equal(res.body.error.code, 'INSUFFICIENT_STORAGE');
      assert.match(res.body.error.message, /kept in reserve/);
      const tus = new TusClient(tight.baseUrl, (await team.member.post('/api/tokens', { name: 'reserve' })).body.token);
      assert.equal((await tus.create(p.phaseId, 'ATM_001.nii.gz', 4096)).status, 507);
      assert.equal((await tight.db.query('select count(*)::int as n from submissions')).rows[0].n, 0);
    } finally {
      await tight.close();
    }
  });
});
