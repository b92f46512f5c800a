/**
 * No room for uploads: the storage folder is a real 160 MiB tmpfs mounted for this test (the tests run as root
 * here; where mounting is not allowed the test is skipped and says so), filled by another writer until a few MiB
 * are left. Uploads then get a clear 507 INSUFFICIENT_STORAGE — a resumable upload at once when it cannot fit, a
 * chunk when the disk fills under it (the bytes received are kept and the upload resumes once there is room), a
 * multipart upload when its write fails — and 413 for a file over the per-file limit; the submissions stored
 * before stay intact, and no partial file is left behind.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeVolume } from '../../evaluator/index.ts';
import { freeBytes } from '../../server/intake/resumable/upload-space.ts';
import { CASE_GEOMETRY, createPhaseWithCases, createTeam, type PhaseFixture, type TeamFixture } from '../helpers/submission-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { sha256Hex, TusClient } from './tus-helpers.ts';

const MiB = 2 ** 20;
const GEOMETRY = { ...CASE_GEOMETRY, size: [256, 256, 128] as [number, number, number] }; // 8 MiB as an uncompressed .nii

function tryMountTmpfs(dir: string, sizeMiB: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes zeros into `path` until only `leaveBytes` are free on its filesystem. */
function fillDisk(path: string, free: number, leaveBytes: number): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(MiB);
  let toWrite = free - leaveBytes;
  while (toWrite > 0) toWrite -= writeSync(fd, block, 0, Math.min(block.length, toWrite));
  closeSync(fd);
}

async function mask(path: string, seed: number): Promise<string> {
  const [nx, ny, nz] = GEOMETRY.size;
  const data = new Uint8Array(nx * ny * nz);
  for (let z = 20; z < 100; z++) for (let y = 100 + seed; y < 120 + seed; y++) data.fill(1, 100 + nx * (y + ny * z), 130 + nx * (y + ny * z));
  await writeVolume(path, { ...GEOMETRY, componentType: 'uint8', data });
  return path;
}

describe('uploads when the disk is full', function () {
  this.timeout(120_000);
  let mountPoint: string;
  let mounted = false;
  let work: string;
  let t: TestApp;
  let phase: PhaseFixture;
  let team: TeamFixture;
  let tus: TusClient;

  before(async function () {
    mountPoint = mkdtempSync(join(tmpdir(), 'carina-full-'));
    mounted = tryMountTmpfs(mountPoint, 160);
    if (!mounted) {
      process.stdout.write('      (skipped: cannot mount a tmpfs here — this test needs root with mount rights)\n');
      this.skip();
    }
    work = mkdtempSync(join(tmpdir(), 'carina-full-work-'));
    t = await createTestApp('full', { STORAGE_DIR: mountPoint, MAX_UPLOAD_BYTES: String(16 * MiB) });
    phase = await createPhaseWithCases(t, { caseNames: ['ATM_001'], dailyLimit: 20 });
    await t.db.query('update cases set geometry = $1 where id = $2', [JSON.stringify(GEOMETRY), phase.cases.ATM_001]);
    team = await createTeam(t, phase.challengeId);
    tus = new TusClient(t.baseUrl, (await team.member.post('/api/tokens', { name: 'full' })).body.token);
  });

  after(async function () {
    if (t) await t.close(this.currentTest?.state === 'failed');
    if (mounted) execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('answers 507 (or 413 over the per-file limit), keeps earlier submissions intact and leaves no partial file', async () => {
    // an earlier submission, stored while there was room
    const earlierFile = await mask(join(work, 'ATM_001.nii.gz'), 0);
    const earlier = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [earlierFile]);
    assert.equal(earlier.status, 202, earlier.text);
    const earlierSha = (await t.db.query('select sha256 from submission_files where submission_id = $1', [earlier.body.submission.id])).rows[0].sha256;
    assert.equal(earlierSha, sha256Hex(readFileSync(earlierFile)));

    // over the per-file limit: 413, whatever the room
    const huge = join(work, 'ATM_001.zip');
    closeSync(openSync(huge, 'w'));
    execFileSync('truncate', ['-s', String(17 * MiB), huge]);
    const tooBig = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [huge]);
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.error.code, 'PAYLOAD_TOO_LARGE');
    assert.match(tooBig.body.error.message, /larger than 16 MiB, the upload limit per file/);

    // a resumable upload begun while there is room; then another writer fills the disk
    const bigFile = await mask(join(work, 'ATM_001.nii'), 3);
    const bytes = readFileSync(bigFile);
    assert.ok(bytes.length > 8 * MiB);
    const created = await tus.create(phase.phaseId, 'ATM_001.nii', bytes.length);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const filler = join(mountPoint, 'filler');
    fillDisk(filler, await freeBytes(mountPoint), 3 * MiB);
    assert.ok((await freeBytes(mountPoint)) < 4 * MiB);

    const refusedAtOnce = await tus.create(phase.phaseId, 'ATM_001.nii', bytes.length);
    assert.equal(refusedAtOnce.status, 507);
    assert.equal(refusedAtOnce.body.error.code, 'INSUFFICIENT_STORAGE');
    assert.match(refusedAtOnce.body.error.message, /no room for this upload now: it needs 8(\.\d)? MiB, the upload space has 3 MiB free of which 8(\.\d)? MiB are promised/);

    const chunk = await tus.patch(created.path, 0, bytes);
    assert.equal(chunk.status, 507, JSON.stringify(chunk.body));
    assert.equal(chunk.body.error.code, 'INSUFFICIENT_STORAGE');
    assert.match(chunk.body.error.message, /ran out of upload space at byte \d+/);
    const kept = await tus.offset(created.path);
    assert.ok(kept > 0 && kept < bytes.length, `the bytes that fitted are kept (${kept})`);

    const multipart = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [bigFile]);
    assert.equal(multipart.status, 507, multipart.text);
    assert.equal(multipart.body.error.code, 'INSUFFICIENT_STORAGE');

    // nothing half-written is left: no multipart scratch folder; the earlier submission's file is whole
    const scratch = join(mountPoint, 'tmp');
    assert.deepEqual(readdirSync(scratch).filter((name) => name !== 'resumable'), []);
    assert.equal(sha256Hex(readFileSync(await t.deps.storage.blobPath(earlierSha))), earlierSha);
    const view = await team.member.get(`/api/submissions/${earlier.body.submission.id}`);
    assert.equal(view.status, 200);
    assert.equal((await t.db.query('select count(*)::int as n from submissions where team_id = $1', [team.teamId])).rows[0].n, 1);

    // room again: the resumable upload goes on from the kept bytes and becomes a submission
    rmSync(filler);
    const rest = await tus.patch(created.path, kept, bytes.subarray(kept));
    assert.equal(rest.status, 204, JSON.stringify(rest.body));
    const submitted = await team.member.post(`/api/phases/${phase.phaseId}/submissions/from-uploads`, { uploadIds: [created.body.upload.id] });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const sha = (await t.db.query('select sha256 from submission_files where submission_id = $1', [submitted.body.submission.id])).rows[0].sha256;
    assert.equal(sha, sha256Hex(bytes));
    assert.equal(existsSync(join(scratch, 'resumable', `${created.body.upload.id}.part`)), false);
    assert.ok(statSync(await t.deps.storage.blobPath(sha)).size === bytes.length);
  });
});
