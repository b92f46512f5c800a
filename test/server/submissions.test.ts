import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAILURE_CODES } from '../../contract/error-codes.ts';
import { computeQuota } from '../../server/submissions/quota.ts';
import { submissionStatus } from '../../server/jobs/submission-status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  addGoldStandard,
  createPhaseWithCases,
  createTeam,
  registeredOutsider,
  writeMask,
  type PhaseFixture,
  type TeamFixture,
} from '../helpers/submission-fixtures.ts';

describe('submission status rule', () => {
  it('is queued until a case starts, running while any case waits or runs, then done or failed', () => {
    assert.equal(submissionStatus([]), 'queued');
    assert.equal(submissionStatus(['queued', 'queued']), 'queued');
    assert.equal(submissionStatus(['running', 'queued']), 'running');
    assert.equal(submissionStatus(['done', 'queued']), 'running');
    assert.equal(submissionStatus(['failed', 'running']), 'running');
    assert.equal(submissionStatus(['failed', 'queued']), 'running');
    assert.equal(submissionStatus(['done', 'failed']), 'failed');
    assert.equal(submissionStatus(['failed']), 'failed');
    assert.equal(submissionStatus(['done', 'done']), 'done');
  });
});

describe('quota arithmetic', () => {
  const at = (iso: string) => new Date(iso);
  it('frees the oldest counted slot 24 hours after it was used', () => {
    const q = computeQuota({ daily_limit: 2, total_limit: null }, [at('2025-03-01T10:00:00Z'), at('2025-03-01T12:00:00Z')], 7);
    assert.equal(q.usedLast24h, 2);
    assert.equal(q.remainingToday, 0);
    assert.equal(q.nextFreeAt, '2025-03-02T10:00:00.000Z');
    assert.equal(q.remainingTotal, null);
    assert.match(q.rule, /at most 2 in any 24 hours/);
  });
  it('when over a lowered limit, waits until enough slots leave the window', () => {
    const q = computeQuota({ daily_limit: 1, total_limit: 10 }, [at('2025-03-01T10:00:00Z'), at('2025-03-01T11:00:00Z'), at('2025-03-01T12:00:00Z')], 3);
    assert.equal(q.remainingToday, 0);
    assert.equal(q.nextFreeAt, '2025-03-02T12:00:00.000Z');
    assert.equal(q.remainingTotal, 7);
  });
  it('has nothing to free when nothing was used', () => {
    const q = computeQuota({ daily_limit: 3, total_limit: 1 }, [], 1);
    assert.equal(q.remainingToday, 3);
    assert.equal(q.nextFreeAt, null);
    assert.equal(q.remainingTotal, 0);
  });
});

describe('submissions: upload, quota, status and visibility', () => {
  let t: TestApp;
  let dir: string;
  let phase: PhaseFixture;
  let team: TeamFixture;
  const CASES = ['ATM_001', 'ATM_002', 'ATM_003'];
  const mask = (name: string) => join(dir, name);

  async function jobCount(): Promise<number> {
    return (await t.db.query(`select count(*)::int as n from pgboss.job where name = 'evaluate-case'`)).rows[0].n;
  }
  function scratchEntries(): string[] {
    return readdirSync(join(t.storageDir, 'tmp'));
  }
  async function submitAll(agent = team.member, phaseId = phase.phaseId) {
    return agent.upload(`/api/phases/${phaseId}/submissions`, CASES.map((c) => mask(`${c}.nii.gz`)));
  }

  before(async () => {
    t = await createTestApp('submissions');
    dir = mkdtempSync(join(tmpdir(), 'carina-sub-'));
    for (const c of CASES) await writeMask(mask(`${c}.nii.gz`));
    await writeMask(mask('nonbinary-ATM_002.nii.gz'), { oddValue: 2 });
    phase = await createPhaseWithCases(t, { caseNames: CASES, dailyLimit: 10 });
    team = await createTeam(t, phase.challengeId);
    await addGoldStandard(t, phase.cases.ATM_001, 'ready');
    await addGoldStandard(t, phase.cases.ATM_002, 'queued');
  });
  after(async function () {
    rmSync(dir, { recursive: true, force: true });
    await t.close(this.currentTest?.state === 'failed');
  });

  it('accepts one file per case: 202, rows, one queued evaluation and one job per case, nothing left in scratch', async () => {
    const files = [mask('ATM_001.nii.gz'), { path: mask('nonbinary-ATM_002.nii.gz'), name: 'ATM_002_0000.nii.gz' }, mask('ATM_003.nii.gz')];
    const res = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, files, { note: 'baseline U-Net' });
    assert.equal(res.status, 202, res.text);
    const { submission, quota } = res.body;
    assert.equal(submission.status, 'queued');
    assert.deepEqual(submission.cases.map((c: { case: string }) => c.case).sort(), CASES);
    assert.equal(submission.warnings.length, 1);
    assert.equal(submission.warnings[0].case, 'ATM_002');
    assert.match(submission.warnings[0].warning, /not binary \(values 0, 1, 2/);
    assert.equal(quota.usedLast24h, 1);
    assert.equal(quota.remainingToday, 9);

    const row = (await t.db.query('select * from submissions where id = $1', [submission.id])).rows[0];
    assert.equal(row.status, 'queued');
    assert.equal(row.note, 'baseline U-Net');
    assert.equal(row.team_id, team.teamId);
    assert.equal(row.warnings.length, 1);
    const stored = (await t.db.query('select f.original_name, f.sha256, b.size_bytes from submission_files f join blobs b using (sha256) where submission_id = $1 order by original_name', [submission.id])).rows;
    assert.deepEqual(stored.map((f) => f.original_name), ['ATM_001.nii.gz', 'ATM_002_0000.nii.gz', 'ATM_003.nii.gz']);
    for (const f of stored) assert.ok(await t.deps.storage.hasBlob(f.sha256));
    const evaluations = (
      await t.db.query(
        `select c.name, e.status, e.run_id, e.gold_standard_id, g.status as gold_status
         from evaluations e join cases c on c.id = e.case_id left join gold_standards g on g.id = e.gold_standard_id
         where e.submission_id = $1 order by c.name`,
        [submission.id],
      )
    ).rows;
    assert.deepEqual(evaluations.map((e) => [e.name, e.status, e.run_id]), CASES.map((c) => [c, 'queued', null]));
    assert.equal(evaluations[0].gold_status, 'ready', 'the ready current gold standard is named');
    assert.equal(evaluations[1].gold_standard_id, null, 'a gold standard still being prepared is not');
    assert.equal(await jobCount(), 3);
    const payloads = (await t.db.query(`select data from pgboss.job where name = 'evaluate-case'`)).rows.map((r) => r.data.evaluationId).sort();
    const ids = (await t.db.query('select id from evaluations where submission_id = $1 order by id', [submission.id])).rows.map((r) => r.id);
    assert.deepEqual(payloads, ids);
    assert.deepEqual(scratchEntries(), []);
  });

  it('shows the submission to the team with queue positions in queue order; a later submission queues behind', async () => {
    const first = (await t.db.query('select id from submissions where team_id = $1 order by id limit 1', [team.teamId])).rows[0].id;
    const second = await submitAll();
    assert.equal(second.status, 202, second.text);
    const view1 = await team.member.get(`/api/submissions/${first}`);
    assert.equal(view1.status, 200);
    assert.equal(view1.body.submission.team.id, team.teamId);
    assert.deepEqual(view1.body.cases.map((c: { queuePosition: number }) => c.queuePosition), [1, 2, 3]);
    // each case names its evaluation (for the viewer link); not inspectable while queued, nor in a phase without 3D
    const evaluationIds = (await t.db.query('select id from evaluations where submission_id = $1 order by case_id', [first])).rows.map((r) => r.id);
    assert.deepEqual(view1.body.cases.map((c: { evaluationId: number }) => c.evaluationId).sort((a: number, b: number) => a - b), evaluationIds);
    assert.ok(view1.body.cases.every((c: { inspectable: boolean }) => c.inspectable === false));
    const view2 = await team.member.get(`/api/submissions/${second.body.submission.id}`);
    assert.deepEqual(view2.body.cases.map((c: { queuePosition: number }) => c.queuePosition), [4, 5, 6]);
    // a worker takes the first case: everything behind it moves up
    await t.db.query(
      `update evaluations set status = 'running', progress = '{"stage": "reading"}', attempts = 1
       where submission_id = $1 and case_id = $2`,
      [first, phase.cases.ATM_001],
    );
    const moved = await team.member.get(`/api/submissions/${second.body.submission.id}`);
    assert.deepEqual(moved.body.cases.map((c: { queuePosition: number }) => c.queuePosition), [3, 4, 5]);
    const running = (await team.member.get(`/api/submissions/${first}`)).body.cases[0];
    assert.equal(running.status, 'running');
    assert.equal(running.queuePosition, null);
    assert.deepEqual(running.progress, { stage: 'reading' });
    assert.equal(running.attempts, 1);
  });

  it("lists the team's submissions newest first, and answers its quota with the rule", async () => {
    const mine = await team.member.get(`/api/phases/${phase.phaseId}/submissions/mine`);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.submissions.length, 2);
    assert.ok(mine.body.submissions[0].id > mine.body.submissions[1].id);
    assert.equal(mine.body.submissions[1].note, 'baseline U-Net');
    assert.ok('aggregate' in mine.body.submissions[0]);
    const quota = await team.member.get(`/api/phases/${phase.phaseId}/quota`);
    assert.equal(quota.status, 200);
    assert.equal(quota.body.dailyLimit, 10);
    assert.equal(quota.body.usedLast24h, 2);
    assert.equal(quota.body.remainingToday, 8);
    assert.equal(quota.body.usedTotal, 2);
    assert.equal(quota.body.totalLimit, null);
    assert.match(quota.body.nextFreeAt, /^\d{4}-\d\d-\d\dT.*Z$/);
    assert.match(quota.body.rule, /rolling window/);
  });

  it('hides a submission from other teams and outsiders with 404, refuses anonymous callers with 401', async () => {
    const id = (await t.db.query('select id from submissions where team_id = $1 limit 1', [team.teamId])).rows[0].id;
    const other = await createTeam(t, phase.challengeId);
    const otherView = await other.member.get(`/api/submissions/${id}`);
    assert.equal(otherView.status, 404);
    assert.equal(otherView.body.error.code, 'NOT_FOUND');
    assert.equal((await (await registeredOutsider(t)).get(`/api/submissions/${id}`)).status, 404);
    assert.equal((await other.member.get('/api/submissions/999999')).status, 404, 'same answer as for a missing id');
    const anonymous = await t.agent().get(`/api/submissions/${id}`);
    assert.equal(anonymous.status, 401);
    const anonymousUpload = await t.agent().upload(`/api/phases/${phase.phaseId}/submissions`, [mask('ATM_001.nii.gz')]);
    assert.equal(anonymousUpload.status, 401);
    assert.equal(anonymousUpload.body.error.code, 'UNAUTHENTICATED');
  });

  it('refuses uploads from a non-member and from a team not yet accepted with 403', async () => {
    const outsider = await registeredOutsider(t);
    const res = await submitAll(outsider);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'FORBIDDEN');
    assert.match(res.body.error.message, /join or create a team/);
    const pending = await createTeam(t, phase.challengeId, 'pending');
    const pendingRes = await submitAll(pending.member);
    assert.equal(pendingRes.status, 403);
    assert.match(pendingRes.body.error.message, /awaits the organisers' acceptance/);
    assert.equal((await outsider.get(`/api/phases/${phase.phaseId}/quota`)).status, 403);
  });

  it('shows per-case metrics and errors only when the phase shows case results, or to organisers', async () => {
    const hidden = await createPhaseWithCases(t, { caseNames: CASES, showCaseResults: false });
    const hiddenTeam = await createTeam(t, hidden.challengeId);
    const accepted = await submitAll(hiddenTeam.member, hidden.phaseId);
    assert.equal(accepted.status, 202, accepted.text);
    const id = accepted.body.submission.id;
    const metrics = { TD: 0.9, BD: 0.8, DSC: 0.85, Precision: 0.9, Sensitivity: 0.8, Specificity: 0.99, unrounded: {}, branch_detected: [1, 0, 1], skeleton_voxels: 1234 };
    await t.db.query(`update evaluations set status = 'done', metrics = $2 where submission_id = $1 and case_id = $3`, [id, metrics, hidden.cases.ATM_001]);
    await t.db.query(
      `update evaluations set status = 'failed', error_code = 'GEOMETRY_MISMATCH', error_message = 'size differs', error_owner = 'team' where submission_id = $1 and case_id = $2`,
      [id, hidden.cases.ATM_002],
    );
    const official = { TD: 0.9, BD: 0.8, DSC: 0.85, Precision: 0.9, Sensitivity: 0.8, Specificity: 0.99 };
    const zero = { TD: 0, BD: 0, DSC: 0, Precision: 0, Sensitivity: 0, Specificity: 0 };
    const aggregate = { cases: 1, mean: official, std: zero, unroundedMean: official };
    await t.db.query(`update submissions set aggregate = $2 where id = $1`, [id, aggregate]);

    const asTeam = await hiddenTeam.member.get(`/api/submissions/${id}`);
    assert.equal(asTeam.status, 200);
    assert.equal(asTeam.body.submission.caseResultsShown, false);
    assert.deepEqual(asTeam.body.submission.aggregate, aggregate, 'the aggregate is always shown to the team');
    for (const c of asTeam.body.cases) assert.equal(c.metrics, null);
    // the failure's code with the catalogue's hint, never its stored text (issue 11: the text may describe hidden data)
    assert.deepEqual(asTeam.body.cases.map((c: { error: unknown }) => c.error), [
      null,
      { code: 'GEOMETRY_MISMATCH', message: FAILURE_CODES.GEOMETRY_MISMATCH.hint, owner: 'team' },
      null,
    ]);
    assert.doesNotMatch(asTeam.text, /size differs/);
    assert.deepEqual(asTeam.body.cases.map((c: { status: string }) => c.status), ['done', 'failed', 'queued']);

    const asOrganiser = await hidden.organiser.get(`/api/submissions/${id}`);
    assert.equal(asOrganiser.status, 200);
    assert.equal(asOrganiser.body.cases[0].metrics.TD, 0.9);
    assert.deepEqual(asOrganiser.body.cases[1].error, { code: 'GEOMETRY_MISMATCH', message: 'size differs', owner: 'team' });

    // the same rows in a phase that shows case results: the team sees metrics, but nothing about the gold standard
    await t.db.query('update phases set show_case_results = true where id = $1', [hidden.phaseId]);
    const shown = await hiddenTeam.member.get(`/api/submissions/${id}`);
    assert.equal(shown.body.cases[0].metrics.DSC, 0.85);
    assert.equal(shown.body.cases[0].metrics.branch_detected, undefined);
    assert.equal(shown.body.cases[0].metrics.skeleton_voxels, undefined);
    assert.equal(shown.body.cases[1].error.code, 'GEOMETRY_MISMATCH');
  });

  it('enforces the daily limit with 429 saying when the next slot frees up; platform failures do not count', async () => {
    const limited = await createPhaseWithCases(t, { caseNames: CASES, dailyLimit: 2 });
    const limitedTeam = await createTeam(t, limited.challengeId);
    const first = await submitAll(limitedTeam.member, limited.phaseId);
    const second = await submitAll(limitedTeam.member, limited.phaseId);
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.body.quota.remainingToday, 0);
    const jobsBefore = await jobCount();
    const third = await submitAll(limitedTeam.member, limited.phaseId);
    assert.equal(third.status, 429);
    assert.equal(third.body.error.code, 'QUOTA_EXCEEDED');
    const firstAt = (await t.db.query('select created_at from submissions where id = $1', [first.body.submission.id])).rows[0].created_at as Date;
    const freeAt = new Date(firstAt.getTime() + 24 * 3600 * 1000).toISOString();
    assert.ok(third.body.error.message.includes(freeAt), third.body.error.message);
    assert.match(third.body.error.message, /UTC/);
    assert.equal(third.body.error.details.nextFreeAt, freeAt);
    assert.equal(await jobCount(), jobsBefore);
    assert.deepEqual(scratchEntries(), []);

    // the platform failed the first one: it no longer counts, so one more fits
    await t.db.query('update submissions set counts_toward_quota = false where id = $1', [first.body.submission.id]);
    const retry = await submitAll(limitedTeam.member, limited.phaseId);
    assert.equal(retry.status, 202, retry.text);
    assert.equal(retry.body.quota.usedLast24h, 2);
    assert.equal(retry.body.quota.usedTotal, 2);
  });

  it('enforces the total limit, and lets only one of two concurrent uploads through the last slot', async () => {
    const capped = await createPhaseWithCases(t, { caseNames: CASES, dailyLimit: 5, totalLimit: 1 });
    const cappedTeam = await createTeam(t, capped.challengeId);
    // hold the team row so both uploads pass the early check and then wait for the lock inside their transactions
    const holder = await t.db.connect();
    let a, b;
    try {
      await holder.query('begin');
      await holder.query('select id from teams where id = $1 for update', [cappedTeam.teamId]);
      const both = Promise.all([submitAll(cappedTeam.member, capped.phaseId), submitAll(cappedTeam.member, capped.phaseId)]);
      for (let waiting = 0; waiting < 2; ) {
        await new Promise((r) => setTimeout(r, 50));
        waiting = (
          await t.db.query(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like 'select id from teams%'`)
        ).rows[0].n;
      }
      await holder.query('rollback');
      [a, b] = await both;
    } finally {
      holder.release();
    }
    assert.deepEqual([a.status, b.status].sort(), [202, 429]);
    const refused = a.status === 429 ? a : b;
    assert.match(refused.body.error.message, /used all 1 submissions/);
    const rows = (await t.db.query('select count(*)::int as n from submissions where phase_id = $1', [capped.phaseId])).rows[0].n;
    assert.equal(rows, 1);
    const quota = await cappedTeam.member.get(`/api/phases/${capped.phaseId}/quota`);
    assert.equal(quota.body.remainingTotal, 0);
    assert.deepEqual(scratchEntries(), []);
  });

  it('refuses uploads outside the phase window with 409 PHASE_CLOSED naming the times in UTC', async () => {
    const future = await createPhaseWithCases(t, { caseNames: CASES, opensInHours: 2, closesInHours: 48 });
    const futureTeam = await createTeam(t, future.challengeId);
    const early = await submitAll(futureTeam.member, future.phaseId);
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'PHASE_CLOSED');
    const opensAt = (await t.db.query('select opens_at from phases where id = $1', [future.phaseId])).rows[0].opens_at as Date;
    assert.ok(early.body.error.message.includes(opensAt.toISOString()), early.body.error.message);
    assert.match(early.body.error.message, /not open yet.*\(UTC\)/);

    const past = await createPhaseWithCases(t, { caseNames: CASES, opensInHours: -48, closesInHours: -1 });
    const pastTeam = await createTeam(t, past.challengeId);
    const late = await submitAll(pastTeam.member, past.phaseId);
    assert.equal(late.status, 409);
    assert.match(late.body.error.message, /is closed: it was open from .*Z to .*Z \(UTC\)/);
    const rows = (await t.db.query('select count(*)::int as n from submissions where phase_id in ($1, $2)', [future.phaseId, past.phaseId])).rows[0].n;
    assert.equal(rows, 0);
  });

  it('refuses a model phase, an empty upload and a non-multipart body with clear 4xx errors', async () => {
    const model = await createPhaseWithCases(t, { caseNames: CASES, kind: 'model' });
    const modelTeam = await createTeam(t, model.challengeId);
    const res = await submitAll(modelTeam.member, model.phaseId);
    assert.equal(res.status, 409);
    assert.match(res.body.error.message, /takes models/);
    const empty = await team.member.upload(`/api/phases/${phase.phaseId}/submissions`, [], { note: 'nothing' });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.message, /no files/);
    const json = await team.member.post(`/api/phases/${phase.phaseId}/submissions`, { files: [] });
    assert.equal(json.status, 415);
    assert.equal((await team.member.upload('/api/phases/999999/submissions', [mask('ATM_001.nii.gz')])).status, 404);
    assert.deepEqual(scratchEntries(), []);
  });
});
