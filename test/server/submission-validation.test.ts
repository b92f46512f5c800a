import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseNameMatcher } from '../../contract/submission-files/case-file-names.ts';
import { labelValues, labelWarning } from '../../server/intake/masks/label-values.ts';
import { matchFilesToCases } from '../../contract/submission-files/match-files.ts';
import { validationFailed } from '../../server/intake/masks/validation-failed.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { CASE_GEOMETRY, createPhaseWithCases, createTeam, writeMask, type PhaseFixture, type TeamFixture } from '../helpers/submission-fixtures.ts';

describe('submission file names', () => {
  const matcher = new CaseNameMatcher(['ATM_164', 'ATM_1640', 'ATM_2']);
  it('matches the case name exactly, longest first, with an optional _0000/_label suffix', () => {
    assert.deepEqual(matcher.match('ATM_164.nii.gz'), { kind: 'case', caseName: 'ATM_164', extension: '.nii.gz' });
    assert.deepEqual(matcher.match('ATM_1640.nii.gz'), { kind: 'case', caseName: 'ATM_1640', extension: '.nii.gz' });
    assert.deepEqual(matcher.match('ATM_164_0000.nii.gz'), { kind: 'case', caseName: 'ATM_164', extension: '.nii.gz' });
    assert.deepEqual(matcher.match('ATM_1640_label.nrrd'), { kind: 'case', caseName: 'ATM_1640', extension: '.nrrd' });
    assert.deepEqual(matcher.match('preds/deep/ATM_2.mha'), { kind: 'case', caseName: 'ATM_2', extension: '.mha' });
    assert.deepEqual(matcher.match('ATM_2.NII'), { kind: 'case', caseName: 'ATM_2', extension: '.nii' });
  });
  it('does not match other names, other letter case or suffixes without the underscore', () => {
    assert.equal(matcher.match('atm_164.nii.gz').kind, 'unknown');
    assert.equal(matcher.match('ATM_16.nii.gz').kind, 'unknown');
    assert.equal(matcher.match('ATM_164pred.nii.gz').kind, 'unknown');
    assert.equal(matcher.match('ATM_164_.nii.gz').kind, 'unknown');
    assert.equal(matcher.match('.nii.gz').kind, 'unsupported');
  });
  it('names the case of a file with an unsupported type', () => {
    assert.deepEqual(matcher.match('ATM_164.dcm'), { kind: 'unsupported', caseName: 'ATM_164', extension: '.dcm' });
    assert.deepEqual(matcher.match('ATM_164.png.gz'), { kind: 'unsupported', caseName: 'ATM_164', extension: '.png.gz' });
    assert.deepEqual(matcher.match('notes.txt'), { kind: 'unsupported', caseName: undefined, extension: '.txt' });
  });
});

describe('matching a file set to the cases', () => {
  it('reports unknown names with the expected ones, duplicates, unsupported types and every missing case', () => {
    const f = (name: string) => ({ name, path: `/x/${name}` });
    const { single, problems } = matchFilesToCases(
      ['A_1', 'A_2', 'A_3', 'A_4'],
      [f('A_1.nii.gz'), f('A_2.nii.gz'), f('A_2_0000.nii.gz'), f('A_3.tiff'), f('B_9.nii.gz')],
    );
    assert.deepEqual([...single.keys()], ['A_1']);
    assert.deepEqual(
      problems.map((p) => [p.case, p.file]),
      [
        ['A_3', 'A_3.tiff'],
        [undefined, 'B_9.nii.gz'],
        ['A_2', 'A_2.nii.gz, A_2_0000.nii.gz'],
        ['A_4', undefined],
      ],
    );
    assert.match(problems[0].problem, /^case A_3: file "A_3.tiff" has type ".tiff", which is not supported; send .nii.gz, .nii, .nrrd, .mha$/);
    assert.match(problems[1].problem, /does not name a case of this phase.*one of: A_1, A_2, A_3, A_4/);
    assert.match(problems[2].problem, /^case A_2: 2 files \("A_2.nii.gz", "A_2_0000.nii.gz"\); send exactly one/);
    assert.match(problems[3].problem, /^case A_4: no file/);
  });
});

describe('label values', () => {
  it('accepts 0/1 silently, warns about other values, negative values and empty masks', () => {
    assert.equal(labelWarning(labelValues(Uint8Array.from([0, 1, 1, 0]))), undefined);
    const multi = labelValues(Uint8Array.from([0, 1, 2, 3, 0]));
    assert.equal(multi.nonBinary, true);
    assert.equal(multi.foregroundVoxels, 3);
    assert.match(labelWarning(multi)!, /values 0, 1, 2, 3 found, from 0 to 3\); every voxel > 0 is taken as airway$/);
    const negative = labelValues(Int16Array.from([-1, 0, 1]));
    assert.match(labelWarning(negative)!, /from -1 to 1.*negative values count as background/);
    const many = labelValues(Float32Array.from([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]));
    assert.equal(many.moreValues, true);
    assert.match(labelWarning(many)!, /…/);
    assert.match(labelWarning(labelValues(new Uint8Array(8)))!, /mask is empty/);
  });
});

describe('validation message', () => {
  it('counts the problems and lists them, capped, with every one in details', () => {
    const problems = Array.from({ length: 12 }, (_, n) => ({ case: `C${n}`, problem: `case C${n}: no file` }));
    const error = validationFailed(problems);
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.equal(error.status, 422);
    assert.match(error.message, /^12 problems: case C0: no file; case C1: no file;/);
    assert.match(error.message, /and 2 more \(see details\)$/);
    assert.equal((error.details as unknown[]).length, 12);
    assert.equal(validationFailed(problems.slice(0, 1)).message, '1 problem: case C0: no file');
  });
});

describe('submission validation over HTTP', () => {
  let t: TestApp;
  let dir: string;
  let phase: PhaseFixture;
  let team: TeamFixture;
  const CASES = ['ATM_001', 'ATM_002', 'ATM_003', 'ATM_004', 'ATM_005', 'ATM_006', 'ATM_007'];

  before(async () => {
    t = await createTestApp('submission_validation');
    dir = mkdtempSync(join(tmpdir(), 'carina-val-'));
    phase = await createPhaseWithCases(t, { caseNames: CASES });
    team = await createTeam(t, phase.challengeId);
  });
  after(async function () {
    rmSync(dir, { recursive: true, force: true });
    await t.close(this.currentTest?.state === 'failed');
  });

  it('reports every problem at once, each naming its case or file, and stores nothing', async () => {
    const p = (name: string) => join(dir, name);
    await writeMask(p('ATM_001.nii.gz'));
    await writeMask(p('ATM_002.nii.gz'), { geometry: { size: [16, 16, 11] } });
    writeFileSync(p('ATM_003.nii.gz'), Buffer.from('this is not an image at all'));
    await writeMask(p('ATM_004.nii.gz'));
    await writeMask(p('ATM_004_0000.nii.gz'));
    // ATM_005: missing
    writeFileSync(p('ATM_006.png'), Buffer.from('png'));
    await writeMask(p('ATM_007.mha'), { geometry: { spacing: [0.8, 0.8, 2.5] } });
    await writeMask(p('ATM_999.nii.gz'));
    const files = ['ATM_001.nii.gz', 'ATM_002.nii.gz', 'ATM_003.nii.gz', 'ATM_004.nii.gz', 'ATM_004_0000.nii.gz', 'ATM_006.png', 'ATM_007.mha', 'ATM_999.nii.gz'];
    const res = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, files.map(p));
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    const details: Array<{ case?: string; file?: string; problem: string }> = res.body.error.details;
    const byCase = (c: string) => details.filter((d) => d.case === c).map((d) => d.problem);
    assert.deepEqual(byCase('ATM_001'), []);
    assert.deepEqual(byCase('ATM_002'), ["case ATM_002: size 16x16x11 does not match the CT's 16x16x12"]);
    assert.match(byCase('ATM_003')[0], /^case ATM_003: file "ATM_003.nii.gz" could not be read \((UNREADABLE_IMAGE|TRUNCATED_IMAGE)\)/);
    assert.ok(!byCase('ATM_003')[0].includes(t.storageDir), 'no server paths in messages');
    assert.match(byCase('ATM_004')[0], /2 files .*send exactly one file per case/);
    assert.match(byCase('ATM_005')[0], /^case ATM_005: no file/);
    assert.match(byCase('ATM_006')[0], /type ".png", which is not supported/);
    assert.match(byCase('ATM_007')[0], /^case ATM_007: spacing \(0.8, 0.8, 2.5\) mm does not match the CT's \(0.8, 0.8, 1.25\) mm/);
    const unknown = details.find((d) => d.file === 'ATM_999.nii.gz');
    assert.ok(unknown && !unknown.case);
    assert.match(unknown.problem, /one of: ATM_001, ATM_002, ATM_003, ATM_004, ATM_005, ATM_006, ATM_007/);
    assert.equal(details.length, 7);
    assert.match(res.body.error.message, /^7 problems: /);
    assert.ok(res.body.error.message.includes("case ATM_002: size 16x16x11 does not match the CT's 16x16x12"));

    assert.equal((await t.db.query('select count(*)::int as n from submissions')).rows[0].n, 0);
    assert.equal((await t.db.query('select count(*)::int as n from evaluations')).rows[0].n, 0);
    assert.equal((await t.db.query(`select count(*)::int as n from pgboss.job where name = 'evaluate-case'`)).rows[0].n, 0);
    assert.deepEqual(readdirSync(join(t.storageDir, 'tmp')), []);
    const quota = await team.member.get(`/api/phases/${phase.phaseId}/quota`);
    assert.equal(quota.body.usedLast24h, 0, 'a rejected upload does not count');
  });

  it('accepts the same set once fixed, in the formats the evaluator reads', async () => {
    const fixed = mkdtempSync(join(dir, 'fixed-'));
    const p = (name: string) => join(fixed, name);
    const files: string[] = [];
    const formats = ['.nii.gz', '.nii', '.nrrd', '.mha'];
    for (const [n, c] of CASES.entries()) files.push(await writeMask(p(`${c}${formats[n % formats.length]}`)));
    const res = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, files);
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.submission.cases.length, CASES.length);
    assert.deepEqual(res.body.submission.warnings, []);
    assert.deepEqual(readdirSync(join(t.storageDir, 'tmp')), []);
  });

  it('refuses a file over the per-file upload limit with 413 and keeps nothing', async () => {
    const small = await createTestApp('submission_limits', { MAX_UPLOAD_BYTES: '2048' });
    try {
      const smallPhase = await createPhaseWithCases(small, { caseNames: ['ATM_001'] });
      const smallTeam = await createTeam(small, smallPhase.challengeId);
      const big = join(dir, 'ATM_001-big.nii');
      await writeMask(big, { geometry: { size: CASE_GEOMETRY.size } });
      const res = await smallTeam.member.upload(`/api/phases/${smallPhase.phaseId}/submissions`, [{ path: big, name: 'ATM_001.nii' }]);
      assert.equal(res.status, 413, res.text);
      assert.equal(res.body.error.code, 'PAYLOAD_TOO_LARGE');
      assert.match(res.body.error.message, /"ATM_001.nii" is larger than 2 KiB/);
      assert.equal((await small.db.query('select count(*)::int as n from submissions')).rows[0].n, 0);
      assert.deepEqual(readdirSync(join(small.storageDir, 'tmp')), []);
    } finally {
      await small.close();
    }
  });
});
