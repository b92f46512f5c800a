/**
 * 50 uploads at once, from 50 teams: half as multipart requests, half as resumable uploads submitted with
 * from-uploads. Every one is accepted, every stored blob has the sha256 of the bytes its team sent (read back from
 * the store), each submission has its one queued evaluation, and no scratch file is left.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeVolume } from '../../evaluator/index.ts';
import { CASE_GEOMETRY, createPhaseWithCases, createTeam, type TeamFixture } from '../helpers/submission-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { sha256Hex, TusClient } from './tus-helpers.ts';

const UPLOADS = 50;
const GEOMETRY = { ...CASE_GEOMETRY, size: [96, 96, 64] as [number, number, number] }; // 590 kB as an uncompressed .nii

/** A different mask per team (the box moves), so every upload is a different blob. */
async function teamMask(path: string, n: number): Promise<Buffer> {
  const [nx, ny, nz] = GEOMETRY.size;
  const data = new Uint8Array(nx * ny * nz);
  for (let z = 4; z < 60; z++) for (let y = 10 + (n % 40); y < 30 + (n % 40); y++) data.fill(1, 10 + Math.floor(n / 40) * 20 + nx * (y + ny * z), 40 + Math.floor(n / 40) * 20 + nx * (y + ny * z));
  await writeVolume(path, { ...GEOMETRY, componentType: 'uint8', data });
  return readFileSync(path);
}

describe('50 concurrent uploads', function () {
  this.timeout(180_000);
  let t: TestApp;
  let dir: string;

  before(async () => {
    t = await createTestApp('concurrent');
    dir = mkdtempSync(join(tmpdir(), 'carina-concurrent-'));
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores all of them, each blob with the sha256 of the bytes sent', async () => {
    const phase = await createPhaseWithCases(t, { caseNames: ['ATM_001'] });
    await t.db.query('update cases set geometry = $1 where id = $2', [JSON.stringify(GEOMETRY), phase.cases.ATM_001]);
    const teams: TeamFixture[] = [];
    const files: Array<{ path: string; sha256: string }> = [];
    for (let n = 0; n < UPLOADS; n++) {
      teams.push(await createTeam(t, phase.challengeId));
      mkdirSync(join(dir, `${n}`));
      const path = join(dir, `${n}`, 'ATM_001.nii');
      files.push({ path, sha256: sha256Hex(await teamMask(path, n)) });
    }
    assert.equal(new Set(files.map((f) => f.sha256)).size, UPLOADS, 'every team sends different bytes');
    const tokens = await Promise.all(teams.map(async (team) => (await team.member.post('/api/tokens', { name: 'c' })).body.token as string));

    const started = performance.now();
    const replies = await Promise.all(
      teams.map(async (team, n) => {
        if (n % 2 === 0) return team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [files[n].path]);
        const id = await new TusClient(t.baseUrl, tokens[n]).uploadFile(phase.phaseId, files[n].path, 'ATM_001.nii');
        return team.member.post(`/api/phases/${phase.phaseId}/submissions/from-uploads`, { uploadIds: [id] });
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    for (const [n, reply] of replies.entries()) assert.equal(reply.status, 202, `upload ${n}: ${reply.text}`);

    for (const [n, reply] of replies.entries()) {
      const rows = (await t.db.query('select sf.sha256, b.size_bytes from submission_files sf join blobs b on b.sha256 = sf.sha256 where sf.submission_id = $1', [reply.body.submission.id])).rows;
      assert.equal(rows.length, 1);
      assert.equal(rows[0].sha256, files[n].sha256, `team ${n}'s stored file is the one it sent`);
      const stored = readFileSync(await t.deps.storage.blobPath(rows[0].sha256));
      assert.equal(sha256Hex(stored), files[n].sha256, `blob ${n} on disk has the sha256 it is stored under`);
      assert.equal(rows[0].size_bytes, stored.length);
    }
    const ids = replies.map((r) => r.body.submission.id);
    assert.equal((await t.db.query(`select count(*)::int as n from evaluations where submission_id = any($1) and status = 'queued'`, [ids])).rows[0].n, UPLOADS);
    assert.equal((await t.db.query('select count(*)::int as n from resumable_uploads')).rows[0].n, 0, 'every resumable upload was consumed');
    const scratch = join(t.storageDir, 'tmp');
    assert.deepEqual(readdirSync(scratch).filter((name) => name !== 'resumable'), [], 'no multipart scratch folder left');
    assert.deepEqual(readdirSync(join(scratch, 'resumable')), [], 'no part file left');
    process.stdout.write(`      (${UPLOADS} uploads of ${(readFileSync(files[0].path).length / 1e6).toFixed(2)} MB in ${seconds.toFixed(1)} s)\n`);
  });
});
