import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  createPhaseWithCases,
  createTeam,
  writeMask,
  writeTarGz,
  writeZip,
  type PhaseFixture,
  type TeamFixture,
} from '../helpers/submission-fixtures.ts';

describe('submission archives', () => {
  let t: TestApp;
  let dir: string;
  let phase: PhaseFixture;
  let team: TeamFixture;
  let maskBytes: Buffer;
  const MAX_UNPACKED = 64 * 1024;

  const upload = (path: string, name?: string) => team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [{ path, name }]);
  const count = async (sql: string) => (await t.db.query(sql)).rows[0].n as number;

  /** Nothing of a refused upload may remain: no rows, no jobs, no scratch files. */
  async function assertNothingStored(): Promise<void> {
    assert.equal(await count('select count(*)::int as n from submissions'), acceptedSoFar);
    assert.equal(await count(`select count(*)::int as n from pgboss.job where name = 'evaluate-case'`), 2 * acceptedSoFar);
    assert.deepEqual(readdirSync(join(t.storageDir, 'tmp')), []);
  }
  let acceptedSoFar = 0;

  before(async () => {
    t = await createTestApp('archives', { MAX_UNPACKED_BYTES: String(MAX_UNPACKED) });
    dir = mkdtempSync(join(tmpdir(), 'carina-arch-'));
    phase = await createPhaseWithCases(t, { caseNames: ['ATM_001', 'ATM_002'], dailyLimit: 20 });
    team = await createTeam(t, phase.challengeId);
    maskBytes = readFileSync(await writeMask(join(dir, 'mask.nii.gz')));
  });
  after(async function () {
    rmSync(dir, { recursive: true, force: true });
    await t.close(this.currentTest?.state === 'failed');
  });

  it('accepts a .zip with folders, ignoring __MACOSX and dotfiles', async () => {
    const zip = writeZip(join(dir, 'preds.zip'), [
      { name: 'preds/' },
      { name: 'preds/ATM_001.nii.gz', data: maskBytes },
      { name: 'preds/deeper/ATM_002_0000.nii.gz', data: maskBytes, method: 0 },
      { name: '__MACOSX/preds/._ATM_001.nii.gz', data: Buffer.from('resource fork') },
      { name: 'preds/.DS_Store', data: Buffer.from('finder') },
    ]);
    const res = await upload(zip);
    assert.equal(res.status, 202, res.text);
    acceptedSoFar++;
    assert.deepEqual(res.body.submission.cases, [
      { case: 'ATM_001', file: 'preds/ATM_001.nii.gz' },
      { case: 'ATM_002', file: 'preds/deeper/ATM_002_0000.nii.gz' },
    ]);
    const files = (await t.db.query('select original_name from submission_files where submission_id = $1 order by 1', [res.body.submission.id])).rows;
    assert.deepEqual(files.map((f) => f.original_name), ['preds/ATM_001.nii.gz', 'preds/deeper/ATM_002_0000.nii.gz']);
    await assertNothingStored();
  });

  it('accepts a .tar.gz and a .tgz', async () => {
    const entries = [
      { name: './', type: 'directory' as const },
      { name: './ATM_001.nii.gz', data: maskBytes },
      { name: './out/ATM_002.nii.gz', data: maskBytes },
      { name: './._ATM_002.nii.gz', data: Buffer.from('apple double') },
    ];
    const tarGz = await writeTarGz(join(dir, 'preds.tar.gz'), entries);
    const first = await upload(tarGz);
    assert.equal(first.status, 202, first.text);
    acceptedSoFar++;
    const second = await upload(tarGz, 'preds.tgz');
    assert.equal(second.status, 202, second.text);
    acceptedSoFar++;
    assert.deepEqual(second.body.submission.cases.map((c: { case: string }) => c.case), ['ATM_001', 'ATM_002']);
    await assertNothingStored();
  });

  it('validates what an archive holds like separate files: all problems at once', async () => {
    const zip = writeZip(join(dir, 'incomplete.zip'), [
      { name: 'ATM_001.nii.gz', data: maskBytes },
      { name: 'ATM_009.nii.gz', data: maskBytes },
      { name: 'README.txt', data: Buffer.from('hello') },
    ]);
    const res = await upload(zip);
    assert.equal(res.status, 422, res.text);
    const problems = res.body.error.details.map((d: { problem: string }) => d.problem);
    assert.equal(problems.length, 3);
    assert.ok(problems.some((p: string) => /file "ATM_009.nii.gz" does not name a case/.test(p)));
    assert.ok(problems.some((p: string) => /file "README.txt" has type ".txt", which is not supported/.test(p)));
    assert.ok(problems.some((p: string) => /^case ATM_002: no file/.test(p)));
    await assertNothingStored();
  });

  it('refuses zip-slip (../) and absolute paths, writing nothing outside the scratch folder', async () => {
    const slip = writeZip(join(dir, 'slip.zip'), [
      { name: 'ATM_001.nii.gz', data: maskBytes },
      { name: '../evil.nii.gz', data: maskBytes },
    ]);
    const res = await upload(slip);
    assert.equal(res.status, 422, res.text);
    assert.match(res.body.error.message, /archive entry "\.\.\/evil\.nii\.gz" points outside the archive/);
    assert.ok(!existsSync(join(t.storageDir, 'evil.nii.gz')));
    assert.ok(!existsSync(join(dirname(t.storageDir), 'evil.nii.gz')));

    const nested = await writeTarGz(join(dir, 'slip.tar.gz'), [{ name: 'preds/../../evil.nii.gz', data: maskBytes }]);
    const tarRes = await upload(nested);
    assert.equal(tarRes.status, 422);
    assert.match(tarRes.body.error.message, /points outside the archive/);

    const absoluteZip = writeZip(join(dir, 'absolute.zip'), [{ name: '/tmp/ATM_001.nii.gz', data: maskBytes }]);
    const absZipRes = await upload(absoluteZip);
    assert.equal(absZipRes.status, 422);
    assert.match(absZipRes.body.error.message, /"\/tmp\/ATM_001.nii.gz" has an absolute path/);
    const absoluteTar = await writeTarGz(join(dir, 'absolute.tar.gz'), [{ name: '/tmp/ATM_001.nii.gz', data: maskBytes }]);
    const absTarRes = await upload(absoluteTar);
    assert.equal(absTarRes.status, 422);
    assert.match(absTarRes.body.error.message, /has an absolute path/);
    await assertNothingStored();
  });

  it('refuses symbolic links, hard links and devices', async () => {
    const cases: Array<[string, Parameters<typeof writeTarGz>[1], RegExp]> = [
      ['symlink.tar.gz', [{ name: 'ATM_001.nii.gz', type: 'symlink', linkname: '/etc/passwd' }], /"ATM_001.nii.gz" is a symbolic link/],
      ['hardlink.tar.gz', [{ name: 'ATM_002.nii.gz', type: 'link', linkname: 'ATM_001.nii.gz' }], /is a hard link/],
      ['device.tar.gz', [{ name: 'ATM_001.nii.gz', type: 'character-device' }], /is a character device/],
    ];
    for (const [name, entries, message] of cases) {
      const res = await upload(await writeTarGz(join(dir, name), [{ name: 'ATM_002.nii.gz', data: maskBytes }, ...entries]));
      assert.equal(res.status, 422, `${name}: ${res.text}`);
      assert.match(res.body.error.message, message);
    }
    const zipLink = writeZip(join(dir, 'symlink.zip'), [{ name: 'ATM_001.nii.gz', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]);
    const res = await upload(zipLink);
    assert.equal(res.status, 422);
    assert.match(res.body.error.message, /is a symbolic link/);
    await assertNothingStored();
  });

  it('stops decompression bombs while inflating, whatever the headers claim', async () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const honest = writeZip(join(dir, 'bomb.zip'), [{ name: 'ATM_001.nii.gz', data: zeros }]);
    const lying = writeZip(join(dir, 'liar.zip'), [{ name: 'ATM_001.nii.gz', data: zeros, declaredSize: 1000 }]);
    const gzipBomb = join(dir, 'bomb.tar.gz');
    writeFileSync(gzipBomb, gzipSync(zeros));
    const tarBomb = await writeTarGz(join(dir, 'tarbomb.tar.gz'), [
      { name: 'ATM_001.nii.gz', data: Buffer.alloc(40 * 1024) },
      { name: 'ATM_002.nii.gz', data: Buffer.alloc(40 * 1024) },
    ]);
    for (const bomb of [honest, lying, gzipBomb, tarBomb]) {
      assert.ok(readFileSync(bomb).length < 16 * 1024, 'the archive itself is small');
      const res = await upload(bomb);
      assert.equal(res.status, 413, `${bomb}: ${res.text}`);
      assert.equal(res.body.error.code, 'PAYLOAD_TOO_LARGE');
      assert.match(res.body.error.message, /unpacks to more than 64 KiB/);
    }
    await assertNothingStored();
  });

  it('refuses an archive with more than 4 entries per case, an unreadable archive, and an archive mixed with files', async () => {
    const crowded = writeZip(
      join(dir, 'crowded.zip'),
      Array.from({ length: 9 }, (_, n) => ({ name: `junk/${n}.txt`, data: Buffer.from('x') })),
    );
    const many = await upload(crowded);
    assert.equal(many.status, 422);
    assert.match(many.body.error.message, /more than 8 entries/);

    const junk = join(dir, 'junk.zip');
    writeFileSync(junk, Buffer.from('not a zip file at all'));
    const unreadable = await upload(junk);
    assert.equal(unreadable.status, 422);
    assert.match(unreadable.body.error.message, /the zip archive could not be read/);
    const notGzip = join(dir, 'junk.tgz');
    writeFileSync(notGzip, Buffer.from('not gzip either'));
    assert.match((await upload(notGzip)).body.error.message, /the tar.gz archive could not be read/);

    const mixed = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [crowded, join(dir, 'mask.nii.gz')]);
    assert.equal(mixed.status, 400);
    assert.match(mixed.body.error.message, /either one archive or one file per case/);
    await assertNothingStored();
  });
});
