/**
 * Cases and gold standards over real HTTP and a real PostgreSQL: organisers upload a CT with its gold standard
 * (checked before anything is stored, committed together with its preparation job), upload corrected versions,
 * and download CTs; participants see case names and geometry only.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeVolume, type ImageVolume } from '../../evaluator/index.ts';
import { markGoldFailed, markGoldReady } from '../../server/challenges/gold-store.ts';
import { createTestApp, type Agent, type TestApp } from '../helpers/test-app.ts';

const SIZE: [number, number, number] = [16, 16, 12];
const ATM22 = '/work/shared/atm22/cases';

function volume(size: [number, number, number], componentType: 'uint8' | 'int16', fill: (x: number, y: number, z: number) => number): ImageVolume {
  const data = componentType === 'uint8' ? new Uint8Array(size[0] * size[1] * size[2]) : new Int16Array(size[0] * size[1] * size[2]);
  for (let z = 0; z < size[2]; z++)
    for (let y = 0; y < size[1]; y++) for (let x = 0; x < size[0]; x++) data[x + size[0] * (y + size[1] * z)] = fill(x, y, z);
  return { size, spacing: [0.7, 0.7, 1.25], origin: [-5, -5, 10], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], componentType, data };
}

/** A trachea-like tube of 3x3 voxels along z. */
const tube = (x: number, y: number) => (Math.abs(x - 8) <= 1 && Math.abs(y - 8) <= 1 ? 1 : 0);

describe('cases and gold standards', () => {
  let t: TestApp;
  let dir: string;
  let organiser: Agent;
  let participant: Agent;
  let phaseId: number;
  const files: Record<string, string> = {};

  const count = async (sql: string, params: unknown[] = []): Promise<number> => (await t.db.query(sql, params)).rows[0].n;
  const preparationJobs = () => count(`select count(*)::int as n from pgboss.job where name = 'prepare-gold'`);
  const scratchFiles = () => readdirSync(t.deps.storage.scratchDir);
  const storedBlobFiles = () => readdirSync(join(t.storageDir, 'blobs'), { recursive: true }).filter((f) => /[0-9a-f]{64}$/.test(String(f)));
  const uploadCase = (agent: Agent, name: string, ct: string, gold: string, phase = phaseId) =>
    agent.upload(`/api/phases/${phase}/cases`, [{ path: ct, field: 'ct' }, { path: gold, field: 'gold' }], { name });

  /** Asserts that a rejected upload left nothing behind: no rows, no job, no stored file, an empty scratch folder. */
  async function assertNothingStored(before: { cases: number; blobs: number; jobs: number; blobFiles: number }) {
    assert.equal(await count('select count(*)::int as n from cases'), before.cases);
    assert.equal(await count('select count(*)::int as n from blobs'), before.blobs);
    assert.equal(await preparationJobs(), before.jobs);
    assert.equal(storedBlobFiles().length, before.blobFiles);
    assert.deepEqual(scratchFiles(), []);
  }
  const snapshot = async () => ({
    cases: await count('select count(*)::int as n from cases'),
    blobs: await count('select count(*)::int as n from blobs'),
    jobs: await preparationJobs(),
    blobFiles: storedBlobFiles().length,
  });

  before(async () => {
    t = await createTestApp('cases');
    dir = mkdtempSync(join(tmpdir(), 'carina-cases-'));
    files.ct = join(dir, 'ATM_001_0000.nii.gz');
    files.gold = join(dir, 'ATM_001.nii.gz');
    files.gold2 = join(dir, 'ATM_001_v2.nii.gz');
    files.goldShort = join(dir, 'short.nii.gz');
    files.goldEmpty = join(dir, 'empty.nii.gz');
    files.goldShifted = join(dir, 'shifted.nii.gz');
    files.ctBroken = join(dir, 'broken_ct.nii.gz');
    files.ctPng = join(dir, 'scan.png');
    files.ctNrrd = join(dir, 'ct.nrrd');
    await writeVolume(files.ct, volume(SIZE, 'int16', (x, y, z) => -1000 + ((x * 7 + y * 13 + z * 31) % 400)));
    await writeVolume(files.gold, volume(SIZE, 'uint8', tube));
    await writeVolume(files.gold2, volume(SIZE, 'uint8', (x, y, z) => (z < 10 ? tube(x, y) : 0)));
    await writeVolume(files.goldShort, volume([16, 16, 11], 'uint8', tube));
    await writeVolume(files.goldEmpty, volume(SIZE, 'uint8', () => 0));
    await writeVolume(files.goldShifted, { ...volume(SIZE, 'uint8', tube), origin: [-5, -5, 30] });
    await writeVolume(files.ctNrrd, volume(SIZE, 'int16', () => -1000));
    writeFileSync(files.ctBroken, 'this is not an image at all');
    writeFileSync(files.ctPng, 'not a png either');
    files.ctBrokenMha = join(dir, 'broken_ct.mha');
    writeFileSync(files.ctBrokenMha, 'ObjectType = Image\nNDims = 3\n');

    organiser = t.agent();
    await organiser.register('organiser@example.org');
    await t.db.query('update users set is_admin = true where email = $1', ['organiser@example.org']);
    participant = t.agent();
    await participant.register('participant@example.org');
    const created = await organiser.post('/api/challenges', { slug: 'atm', title: 'ATM', participationPolicy: 'auto' });
    assert.equal(created.status, 201, created.text);
    const phase = await organiser.post('/api/challenges/atm/phases', {
      name: 'Validation',
      opensAt: '2025-01-01T00:00:00Z',
      closesAt: '2035-01-01T00:00:00Z',
    });
    assert.equal(phase.status, 201, phase.text);
    phaseId = phase.body.phase.id;
  });

  after(async function () {
    rmSync(dir, { recursive: true, force: true });
    await t.close(this.currentTest?.state === 'failed');
  });

  it('stores a case: CT geometry, gold version 1 queued and current, blobs, and exactly one preparation job', async () => {
    const jobsBefore = await preparationJobs();
    const res = await uploadCase(organiser, 'ATM_001', files.ct, files.gold);
    assert.equal(res.status, 201, res.text);
    const created = res.body.case;
    assert.equal(created.name, 'ATM_001');
    assert.deepEqual(created.geometry.size, SIZE);
    assert.deepEqual(created.geometry.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.ok(Math.abs(created.geometry.spacing[2] - 1.25) < 1e-6);
    assert.deepEqual({ version: created.gold.version, status: created.gold.status }, { version: 1, status: 'queued' });
    assert.equal(await preparationJobs(), jobsBefore + 1);
    const job = (await t.db.query(`select data from pgboss.job where name = 'prepare-gold'`)).rows.at(-1);
    assert.equal(job.data.goldStandardId, created.gold.id);
    const gold = (await t.db.query('select * from gold_standards where case_id = $1', [created.id])).rows;
    assert.equal(gold.length, 1);
    assert.equal(gold[0].is_current, true);
    assert.equal(gold[0].file_name, 'ATM_001.nii.gz');
    const row = (await t.db.query('select ct_file_name, ct_sha256 from cases where id = $1', [created.id])).rows[0];
    assert.equal(row.ct_file_name, 'ATM_001_0000.nii.gz');
    assert.equal(await count('select count(*)::int as n from blobs where sha256 = any($1)', [[row.ct_sha256, gold[0].sha256]]), 2);
    assert.deepEqual(scratchFiles(), []);
  });

  it('accepts NRRD as well', async () => {
    const res = await uploadCase(organiser, 'ATM_002', files.ctNrrd, files.gold);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.case.geometry.size, SIZE);
  });

  it('refuses a gold standard of another size, naming the case and both sizes, and stores nothing', async () => {
    const before = await snapshot();
    const res = await uploadCase(organiser, 'ATM_010', files.ct, files.goldShort);
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    assert.equal(res.body.error.message, "case ATM_010: gold standard size 16x16x11 does not match the CT's 16x16x12");
    await assertNothingStored(before);
  });

  it('refuses a gold standard on a shifted grid, naming the origin', async () => {
    const before = await snapshot();
    const res = await uploadCase(organiser, 'ATM_011', files.ct, files.goldShifted);
    assert.equal(res.status, 422);
    assert.match(res.body.error.message, /^case ATM_011: gold standard origin \(.*30\) mm does not match the CT's \(.*10\) mm$/);
    await assertNothingStored(before);
  });

  it('refuses an unreadable CT, naming the file and the reason (never the scratch path)', async () => {
    const before = await snapshot();
    const res = await uploadCase(organiser, 'ATM_012', files.ctBroken, files.gold);
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    assert.match(res.body.error.message, /^case ATM_012: CT file "broken_ct\.nii\.gz" cannot be used: /);
    assert.ok(!res.body.error.message.includes(t.deps.storage.scratchDir), res.body.error.message);
    const mha = await uploadCase(organiser, 'ATM_012', files.ctBrokenMha, files.gold);
    assert.equal(mha.status, 422);
    assert.match(mha.body.error.message, /^case ATM_012: CT file "broken_ct\.mha" cannot be used: /);
    assert.ok(!mha.body.error.message.includes(t.deps.storage.scratchDir), mha.body.error.message);
    await assertNothingStored(before);
  });

  it('refuses a file of an unsupported format, saying which formats work', async () => {
    const before = await snapshot();
    const res = await uploadCase(organiser, 'ATM_013', files.ctPng, files.gold);
    assert.equal(res.status, 422);
    assert.match(res.body.error.message, /CT file "scan\.png" is not a supported format; upload \.nii\.gz, \.nii, \.nrrd or \.mha/);
    await assertNothingStored(before);
  });

  it('refuses an empty gold standard', async () => {
    const before = await snapshot();
    const res = await uploadCase(organiser, 'ATM_014', files.ct, files.goldEmpty);
    assert.equal(res.status, 422);
    assert.match(res.body.error.message, /^case ATM_014: gold standard file "empty\.nii\.gz" is empty \(no voxel above 0\)/);
    await assertNothingStored(before);
  });

  it('refuses a missing file or a bad case name with 400 naming the field', async () => {
    const before = await snapshot();
    const noGold = await organiser.upload(`/api/phases/${phaseId}/cases`, [{ path: files.ct, field: 'ct' }], { name: 'ATM_015' });
    assert.equal(noGold.status, 400);
    assert.match(noGold.body.error.message, /gold: attach the gold-standard airway mask as the file field "gold"/);
    const badName = await uploadCase(organiser, '../etc', files.ct, files.gold);
    assert.equal(badName.status, 400);
    assert.match(badName.body.error.message, /^name: must be 1 to 100 letters/);
    await assertNothingStored(before);
  });

  it('refuses a duplicate case name in the phase with 409', async () => {
    const before = await snapshot();
    const res = await uploadCase(organiser, 'ATM_001', files.ct, files.gold);
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'CONFLICT');
    assert.match(res.body.error.message, /has a case named ATM_001 already/);
    await assertNothingStored(before);
  });

  it('lets only organisers upload cases: anonymous 401, participant 403, nothing stored', async () => {
    const before = await snapshot();
    const anonymous = await uploadCase(t.agent(), 'ATM_020', files.ct, files.gold);
    assert.equal(anonymous.status, 401);
    const res = await uploadCase(participant, 'ATM_020', files.ct, files.gold);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'FORBIDDEN');
    await assertNothingStored(before);
  });

  it('lists cases: names and CT geometry for everyone, gold versions for organisers only', async () => {
    const open = await t.agent().get(`/api/phases/${phaseId}/cases`);
    assert.equal(open.status, 200);
    assert.deepEqual(open.body.cases.map((c: { name: string }) => c.name), ['ATM_001', 'ATM_002']);
    assert.deepEqual(open.body.cases[0].geometry.size, SIZE);
    assert.ok(open.body.cases.every((c: object) => !('goldVersions' in c) && !('ctFileName' in c)));
    const asParticipant = await participant.get(`/api/phases/${phaseId}/cases`);
    assert.ok(asParticipant.body.cases.every((c: object) => !('goldVersions' in c)));
    const asOrganiser = await organiser.get(`/api/phases/${phaseId}/cases`);
    const gold = asOrganiser.body.cases[0].goldVersions;
    assert.equal(gold.length, 1);
    assert.deepEqual([gold[0].version, gold[0].status, gold[0].isCurrent, gold[0].error], [1, 'queued', true, null]);
    const phase = await t.agent().get(`/api/phases/${phaseId}`);
    assert.deepEqual(phase.body.phase.cases, ['ATM_001', 'ATM_002']);
    const challenge = await t.agent().get('/api/challenges/atm');
    assert.equal(challenge.body.phases[0].caseCount, 2);
  });

  it('lets organisers download a CT; participants get 403 and anonymous callers 401', async () => {
    const caseId = (await t.db.query(`select id from cases where name = 'ATM_001'`)).rows[0].id;
    const res = await organiser.get(`/api/cases/${caseId}/ct`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="?ATM_001_0000\.nii\.gz"?$/);
    const token = (await organiser.post('/api/tokens', { name: 'download' })).body.token;
    const download = await fetch(`${t.baseUrl}/api/cases/${caseId}/ct`, { headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), readFileSync(files.ct));
    const forbidden = await participant.get(`/api/cases/${caseId}/ct`);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, 'FORBIDDEN');
    assert.equal((await t.agent().get(`/api/cases/${caseId}/ct`)).status, 401);
  });

  it('adds a corrected gold standard as version 2, queued and not current until its preparation is ready', async () => {
    const caseId = (await t.db.query(`select id from cases where name = 'ATM_001'`)).rows[0].id;
    const jobsBefore = await preparationJobs();
    const res = await organiser.upload(`/api/cases/${caseId}/gold`, [{ path: files.gold2, field: 'gold' }]);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual([res.body.gold.version, res.body.gold.status, res.body.gold.isCurrent], [2, 'queued', false]);
    assert.equal(await preparationJobs(), jobsBefore + 1);
    const current = await t.db.query('select version from gold_standards where case_id = $1 and is_current', [caseId]);
    assert.deepEqual(current.rows, [{ version: 1 }]);
    assert.deepEqual(scratchFiles(), []);

    const mismatch = await organiser.upload(`/api/cases/${caseId}/gold`, [{ path: files.goldShort, field: 'gold' }]);
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.body.error.message, "case ATM_001: gold standard size 16x16x11 does not match the CT's 16x16x12");
    const participantTry = await participant.upload(`/api/cases/${caseId}/gold`, [{ path: files.gold2, field: 'gold' }]);
    assert.equal(participantTry.status, 403);
    assert.equal(await count('select count(*)::int as n from gold_standards where case_id = $1', [caseId]), 2);
    const audit = await t.db.query(`select action, details from audit_log where target_type = 'gold_standard' and target_id = $1`, [res.body.gold.id]);
    assert.deepEqual(audit.rows.map((r) => [r.action, r.details.case, r.details.version]), [['gold_standard.create', 'ATM_001', 2]]);
    assert.deepEqual(scratchFiles(), []);
  });

  it('markGoldReady makes the newest ready version current; an older one finishing later does not displace it', async () => {
    const caseId = (await t.db.query(`select id from cases where name = 'ATM_001'`)).rows[0].id;
    const ids = Object.fromEntries(
      (await t.db.query('select id, version from gold_standards where case_id = $1', [caseId])).rows.map((r) => [r.version, r.id]),
    );
    const v2 = await markGoldReady(t.db, ids[2], `prepared/${ids[2]}/prepared-gold.bin`, { branches: 12 });
    assert.deepEqual(v2, { caseId, version: 2, isCurrent: true });
    const v1 = await markGoldReady(t.db, ids[1], `prepared/${ids[1]}/prepared-gold.bin`, { branches: 13 });
    assert.equal(v1.isCurrent, false);
    const rows = (await t.db.query('select version, status, is_current, prepared_key, summary, prepared_at from gold_standards where case_id = $1 order by version', [caseId])).rows;
    assert.deepEqual(rows.map((r) => [r.version, r.status, r.is_current]), [[1, 'ready', false], [2, 'ready', true]]);
    assert.equal(rows[1].prepared_key, `prepared/${ids[2]}/prepared-gold.bin`);
    assert.deepEqual(rows[1].summary, { branches: 12 });
    assert.ok(rows[1].prepared_at instanceof Date);

    await markGoldFailed(t.db, ids[1], 'skeleton has no branch');
    const listed = await organiser.get(`/api/phases/${phaseId}/cases`);
    const versions = listed.body.cases.find((c: { name: string }) => c.name === 'ATM_001').goldVersions;
    assert.deepEqual(versions.map((g: { version: number; status: string; error: string | null }) => [g.version, g.status, g.error]), [
      [2, 'ready', null],
      [1, 'failed', 'skeleton has no branch'],
    ]);
  });

  it('stores a real ATM\'22 case and names both real sizes when a gold standard belongs to another scan', async () => {
    const ok = await uploadCase(organiser, 'ATM_305', `${ATM22}/ATM_305/pred_YangLab.nii.gz`, `${ATM22}/ATM_305/gold.nii.gz`);
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual(ok.body.case.geometry.size, [512, 512, 388]);
    const before = await snapshot();
    const wrong = await uploadCase(organiser, 'ATM_307', `${ATM22}/ATM_305/pred_YangLab.nii.gz`, `${ATM22}/ATM_307/gold.nii.gz`);
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.error.message, "case ATM_307: gold standard size 512x512x382 does not match the CT's 512x512x388");
    await assertNothingStored(before);
  });

  describe('with a small upload limit', () => {
    let small: TestApp;
    before(async () => {
      small = await createTestApp('cases_limit', { MAX_UPLOAD_BYTES: '2048' });
    });
    after(async function () {
      await small.close(this.currentTest?.state === 'failed');
    });

    it('refuses a file over the limit with 413 and leaves no scratch file', async () => {
      const admin = small.agent();
      await admin.register('admin@example.org');
      await small.db.query('update users set is_admin = true');
      await admin.post('/api/challenges', { slug: 'tiny', title: 'Tiny', participationPolicy: 'auto' });
      const phase = await admin.post('/api/challenges/tiny/phases', { name: 'P', opensAt: '2025-01-01T00:00:00Z', closesAt: '2026-01-01T00:00:00Z' });
      const big = join(dir, 'big.nii');
      await writeVolume(big, volume(SIZE, 'int16', () => 1), false);
      const res = await admin.upload(`/api/phases/${phase.body.phase.id}/cases`, [{ path: big, field: 'ct' }, { path: files.gold, field: 'gold' }], { name: 'BIG' });
      assert.equal(res.status, 413);
      assert.equal(res.body.error.code, 'PAYLOAD_TOO_LARGE');
      assert.deepEqual(readdirSync(small.deps.storage.scratchDir), []);
      assert.equal((await small.db.query('select count(*)::int as n from cases')).rows[0].n, 0);
    });
  });
});
