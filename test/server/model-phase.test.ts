/**
 * @slow A model phase end to end, with real PostgreSQL, the real queue, the in-process worker and real
 * onnxruntime in sandboxed children: the shipped baseline model is uploaded, run on hidden phantom CTs, its masks
 * scored like uploaded ones, and it reaches the leaderboard clearly above zero. Hostile models fail only their own
 * case, as the team's fault, with the reason.
 */
import assert from 'node:assert/strict';
import { buildBaselineModel } from '../../seed/baseline-model/build-baseline.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { waitFor } from '../helpers/platform-rows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  createModelPhase,
  loopOnMetalModel,
  nanOnMetalModel,
  phantomCase,
  tubeCase,
  tubeManifest,
  uploadModel,
  writeModelFile,
  removeScratch,
} from './model-fixtures.ts';

async function settled(t: TestApp, submissionId: number, timeoutMs = 180_000) {
  return waitFor(
    `submission ${submissionId} finished`,
    async () => {
      const row = (await t.db.query('select * from submissions where id = $1', [submissionId])).rows[0];
      return (row.status === 'done' || row.status === 'failed') && row;
    },
    timeoutMs,
    250,
  );
}

async function casesOf(t: TestApp, submissionId: number) {
  return (
    await t.db.query(
      `select c.name, e.status, e.error_code, e.error_owner, e.error_message, e.metrics, e.progress,
              r.status as run_status, r.patches_done, r.patches_total, r.provider, r.run_ms, r.peak_memory_mb, r.mask_sha256,
              f.original_name as mask_name, f.sha256 as mask_sha
       from evaluations e join cases c on c.id = e.case_id join model_runs r on r.evaluation_id = e.id
       left join submission_files f on f.submission_id = e.submission_id and f.case_id = e.case_id
       where e.submission_id = $1 order by c.name`,
      [submissionId],
    )
  ).rows;
}

describe('model phase end to end @slow', function () {
  this.timeout(300_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp('model-phase');
    await startWorker(t.deps);
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
    removeScratch();
  });

  it('runs the baseline model on hidden phantom CTs, scores the masks and ranks it clearly above zero', async () => {
    const images = [await phantomCase('phantom_a', 2, [96, 96, 80], 3), await phantomCase('phantom_b', 6, [96, 96, 80], 3)];
    const phase = await createModelPhase(t, images);
    const baseline = buildBaselineModel();
    const reply = await uploadModel(phase.team.member, phase.phaseId, writeModelFile(baseline.onnx, baseline.fileName), baseline.manifest);
    assert.equal(reply.status, 202, reply.text);
    const submissionId = reply.body.submission.id;
    // progress is reported per case as patches done / total while the model runs
    const progress = await waitFor('inference progress', async () => {
      const rows = (await t.db.query(`select progress from evaluations where submission_id = $1 and progress ? 'patchesTotal'`, [submissionId])).rows;
      return rows[0]?.progress;
    }, 120_000, 50);
    assert.ok(progress.patchesTotal >= 1 && progress.patchesDone <= progress.patchesTotal, JSON.stringify(progress));

    const submission = await settled(t, submissionId);
    const cases = await casesOf(t, submissionId);
    for (const c of cases) {
      assert.equal(c.status, 'done', `${c.name}: ${c.error_message}`);
      assert.equal(c.run_status, 'done');
      assert.equal(c.provider, 'cpu');
      assert.ok(c.patches_total >= 1 && c.patches_done === c.patches_total);
      assert.equal(c.mask_name, `${c.name}.nii.gz`);
      assert.equal(c.mask_sha, c.mask_sha256);
      assert.ok(await t.deps.storage.hasBlob(c.mask_sha));
      assert.ok(c.metrics.TD > 40 && c.metrics.BD > 20 && c.metrics.DSC > 60, `${c.name}: ${JSON.stringify(c.metrics)}`);
    }
    assert.equal(submission.status, 'done');
    assert.equal(submission.aggregate.cases, 2);
    const leaderboard = await t.agent().get(`/api/phases/${phase.phaseId}/leaderboard`);
    assert.equal(leaderboard.status, 200, leaderboard.text);
    const { entries } = leaderboard.body;
    assert.equal(entries.length, 1, leaderboard.text);
    assert.equal(entries[0].submissionId, submissionId);
    assert.equal(entries[0].rank, 1);
    assert.ok(entries[0].score > 0.3, `leaderboard score ${entries[0].score}`);
    const detail = await phase.team.member.get(`/api/submissions/${submissionId}/model`);
    assert.equal(detail.body.runs[0].status, 'done');
    assert.ok(detail.body.runs[0].runMs > 0);
  });

  it('a model that emits NaN on one CT fails that case only, as the team\'s fault, with the reason', async () => {
    const phase = await createModelPhase(t, [await tubeCase('clean', false), await tubeCase('with_metal', true)]);
    const reply = await uploadModel(phase.team.member, phase.phaseId, writeModelFile(nanOnMetalModel()), tubeManifest());
    assert.equal(reply.status, 202, reply.text);
    const submission = await settled(t, reply.body.submission.id);
    const [clean, metal] = await casesOf(t, reply.body.submission.id);
    assert.equal(clean.status, 'done', clean.error_message);
    assert.equal(clean.metrics.DSC, 100);
    assert.equal(metal.status, 'failed');
    assert.equal(metal.run_status, 'failed');
    assert.equal(metal.error_owner, 'team');
    assert.equal(metal.error_code, 'MODEL_OUTPUT_NOT_FINITE');
    assert.match(metal.error_message, /^case with_metal: the model produced NaN at patch voxel/);
    assert.equal(metal.mask_name, null);
    assert.equal(submission.status, 'failed');
    assert.equal(submission.counts_toward_quota, true);
  });

  it('a model that runs past the phase\'s time limit is killed on that case only, and the worker carries on', async () => {
    const phase = await createModelPhase(t, [await tubeCase('clean', false), await tubeCase('with_metal', true)], { timeLimitS: 10 });
    const reply = await uploadModel(phase.team.member, phase.phaseId, writeModelFile(loopOnMetalModel()), tubeManifest());
    assert.equal(reply.status, 202, reply.text);
    await settled(t, reply.body.submission.id, 120_000);
    const [clean, metal] = await casesOf(t, reply.body.submission.id);
    assert.equal(clean.status, 'done', clean.error_message);
    assert.equal(metal.status, 'failed');
    assert.equal(metal.error_owner, 'team');
    assert.equal(metal.error_code, 'MODEL_TIME_LIMIT');
    assert.match(metal.error_message, /case with_metal: the model did not finish within 10 s, the phase's time limit per case/);
    assert.ok(metal.run_ms >= 10_000 && metal.run_ms < 30_000, `killed after ${metal.run_ms} ms`);
    // the worker is still taking jobs: a fresh good model on the same phase goes through
    const next = await uploadModel(phase.team.member, phase.phaseId, writeModelFile(nanOnMetalModel()), tubeManifest());
    assert.equal(next.status, 202);
    const [again] = await casesOf(t, (await settled(t, next.body.submission.id)).id);
    assert.equal(again.status, 'done');
  });
});
