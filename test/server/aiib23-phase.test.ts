/**
 * @slow A phase scored with the AIIB23 suite, end to end over HTTP with a real worker: the organiser creates the
 * phase (`metricSuites: ['aiib23']`, a weighted ranking over AIIB metrics) and a case whose gold standard has two
 * components; a team uploads a leaking prediction; the worker scores it; the submission's results hold the AIIB23
 * metrics under their stored names (equal to the evaluator's own figures) and its aggregate their means; the
 * exports carry their columns. Unknown suites are refused with 422, and a change of suites once results exist
 * with 409 naming the re-evaluation route.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareGold, readVolume, scoreSuites, writeVolume } from '../../evaluator/index.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { waitFor } from '../helpers/platform-rows.ts';
import { createTestApp, type Agent, type TestApp } from '../helpers/test-app.ts';
import { cloneMask, drawBox, drawTube, emptyMask, type MaskVolume } from '../helpers/volumes.ts';

const AIIB_STORED = ['IoU', 'DLR', 'DBR', 'AIIB_Precision', 'Leakage'];

describe('a phase scored with the AIIB23 suite, over HTTP @slow', function () {
  this.timeout(120_000);
  let t: TestApp;
  let work: string;
  let organiser: Agent;
  let gold: MaskVolume;
  let pred: MaskVolume;
  let phaseId: number;

  before(async () => {
    t = await createTestApp('aiib23');
    await startWorker(t.deps);
    work = mkdtempSync(join(tmpdir(), 'carina-aiib-'));
    gold = emptyMask([32, 32, 40], { spacing: [0.8, 0.8, 1.25] });
    drawTube(gold, [16, 16, 3], [16, 16, 30], 3);
    drawTube(gold, [16, 16, 30], [8, 16, 37], 2);
    drawBox(gold, [26, 3, 33], [26, 3, 38]); // a second component: counts in the raw-label figures only
    pred = cloneMask(gold);
    drawBox(pred, [20, 14, 10], [22, 18, 14]); // leakage touching the tube
    await writeVolume(join(work, 'gold.nii.gz'), gold);
    await writeVolume(join(work, 'pred.nii.gz'), pred);
    organiser = t.agent();
    await organiser.register('organiser@example.org');
    await t.db.query('update users set is_admin = true where email = $1', ['organiser@example.org']);
    assert.equal((await organiser.post('/api/challenges', { slug: 'aiib', title: 'AIIB23 style', participationPolicy: 'auto' })).status, 201);
  });
  after(async function () {
    rmSync(work, { recursive: true, force: true });
    await t.close(this.currentTest?.state === 'failed');
  });

  const phaseBody = (metricSuites: unknown) => ({
    name: `phase ${JSON.stringify(metricSuites)}`,
    opensAt: new Date(Date.now() - 3600_000).toISOString(),
    closesAt: new Date(Date.now() + 86400_000).toISOString(),
    dailyLimit: 10,
    ranking: { scheme: 'weighted', weights: { IoU: 0.5, DBR: 0.5 } },
    metricSuites,
  });

  it('refuses an unknown suite with 422 naming it, and a malformed list with 400', async () => {
    const unknown = await organiser.post('/api/challenges/aiib/phases', phaseBody(['aiib23', 'brats21']));
    assert.equal(unknown.status, 422, unknown.text);
    assert.equal(unknown.body.error.code, 'VALIDATION_FAILED');
    assert.match(unknown.body.error.message, /unknown suite "brats21"/);
    assert.equal((await organiser.post('/api/challenges/aiib/phases', phaseBody([]))).status, 400);
    assert.equal((await organiser.post('/api/challenges/aiib/phases', phaseBody(['aiib23', 'aiib23']))).status, 400);
  });

  it('upload → scoring → results with the AIIB23 metrics → export with their columns', async () => {
    const created = await organiser.post('/api/challenges/aiib/phases', phaseBody(['aiib23']));
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.phase.metricSuites, ['aiib23']);
    phaseId = created.body.phase.id;
    const file = join(work, 'gold.nii.gz');
    const upload = await organiser.upload(`/api/phases/${phaseId}/cases`, [
      { path: file, field: 'ct', name: 'AIIB_001_0000.nii.gz' },
      { path: file, field: 'gold', name: 'AIIB_001_label.nii.gz' },
    ], { name: 'AIIB_001' });
    assert.equal(upload.status, 201, upload.text);

    const member = t.agent();
    await member.register('team@example.org');
    assert.equal((await member.post('/api/teams', { challenge: 'aiib', name: 'Leaky team' })).status, 201);
    const submitted = await member.upload(`/api/phases/${phaseId}/submissions`, [{ path: join(work, 'pred.nii.gz'), name: 'AIIB_001.nii.gz' }]);
    assert.equal(submitted.status, 202, submitted.text);
    const id = submitted.body.submission.id;
    const detail = await waitFor(`submission ${id}`, async () => {
      const r = await member.get(`/api/submissions/${id}`);
      return (r.body.submission.status === 'done' || r.body.submission.status === 'failed') && r.body;
    }, 90_000, 200);
    assert.equal(detail.submission.status, 'done', JSON.stringify(detail.cases));

    // what the evaluator computes for the pair as written (NIfTI keeps the spacing in float32), figure for figure
    const written = async (name: string) => readVolume(join(work, name));
    const { aiib23 } = await scoreSuites(await prepareGold(await written('gold.nii.gz')), await written('pred.nii.gz'), ['aiib23']);
    const metrics = detail.cases[0].metrics;
    assert.deepEqual(metrics.suites, ['aiib23']);
    for (const name of AIIB_STORED) {
      const reported = name === 'AIIB_Precision' ? 'Precision' : name;
      assert.equal(metrics[name], (aiib23 as any)[reported], name);
    }
    assert.ok(metrics.Leakage > 0 && metrics.AIIB_Precision < 1, 'the prediction leaks');
    assert.equal(metrics.TD, undefined, 'ATM\'22 is not this phase\'s suite');
    assert.equal(metrics.aiib23.leakage_voxels, aiib23!.leakage_voxels);
    assert.equal(metrics.aiib23.aiib_fallback, false);
    // the team sees prediction-side extras only; the organiser sees the gold-side counts and lengths too
    assert.equal(metrics.aiib23.gold_voxels, undefined);
    assert.equal(metrics.aiib23.centreline_length_mm, undefined);
    assert.equal(metrics.aiib23.branch_detected, undefined);
    const full = (await organiser.get(`/api/submissions/${id}`)).body.cases[0].metrics;
    assert.equal(full.aiib23.gold_voxels, aiib23!.gold_voxels);
    assert.equal(full.aiib23.centreline_length_mm, aiib23!.centreline_length_mm);
    assert.deepEqual(full.aiib23.branch_detected, aiib23!.branch_detected);
    const aggregate = detail.submission.aggregate;
    assert.deepEqual(Object.keys(aggregate.mean).sort(), [...AIIB_STORED].sort()); // jsonb keeps its own key order
    assert.equal(aggregate.mean.IoU, metrics.IoU);

    const board = await t.agent().get(`/api/phases/${phaseId}/leaderboard`);
    assert.equal(board.status, 200, board.text);
    assert.equal(board.body.entries[0].score, 0.5 * metrics.IoU + 0.5 * metrics.DBR);

    const csv = await organiser.get(`/api/phases/${phaseId}/export.csv`);
    assert.equal(csv.status, 200);
    const [header, row] = csv.text.split('\r\n');
    const columns = header.split(',');
    for (const name of [...AIIB_STORED, 'aiib23_gold_voxels', 'aiib_fallback', 'centreline_length_mm', 'leakage_volume_mm3']) assert.ok(columns.includes(name), name);
    assert.ok(!columns.includes('TD'));
    const cells = row.split(',');
    assert.equal(Number(cells[columns.indexOf('Leakage')]), metrics.Leakage);
    const leaderboardCsv = await organiser.get(`/api/phases/${phaseId}/export.csv?table=leaderboard`);
    assert.match(leaderboardCsv.text.split('\r\n')[0], /,score,mean_IoU,mean_DLR,mean_DBR,mean_AIIB_Precision,mean_Leakage,std_IoU,/);
    const json = JSON.parse((await organiser.get(`/api/phases/${phaseId}/export.json`)).text);
    assert.equal(json.results[0].IoU, metrics.IoU);
  });

  it('ranks by a lower-is-better metric end to end: the leak-free team first (upload → scoring → leaderboard → export)', async () => {
    const created = await organiser.post('/api/challenges/aiib/phases', {
      ...phaseBody(['aiib23']),
      name: 'ranked by leakage',
      // Leakage takes its direction from the catalogue (lower is better); IoU breaks no tie here
      ranking: { scheme: 'aggregate-then-rank', aggregate: 'mean', metrics: [{ name: 'Leakage', weight: 3 }, { name: 'IoU' }] },
    });
    assert.equal(created.status, 201, created.text);
    const rankedPhase = created.body.phase.id;
    const file = join(work, 'gold.nii.gz');
    assert.equal((await organiser.upload(`/api/phases/${rankedPhase}/cases`, [
      { path: file, field: 'ct', name: 'AIIB_002_0000.nii.gz' },
      { path: file, field: 'gold', name: 'AIIB_002_label.nii.gz' },
    ], { name: 'AIIB_002' })).status, 201);
    // the leaking team submits first (an earlier submission would win a tie): only the direction can put it second
    const teams: Array<{ name: string; file: string; id?: number }> = [
      { name: 'Leaks', file: 'pred.nii.gz' },
      { name: 'Exact', file: 'gold.nii.gz' },
    ];
    for (const [n, team] of teams.entries()) {
      const member = t.agent();
      await member.register(`ranked${n}@example.org`);
      assert.equal((await member.post('/api/teams', { challenge: 'aiib', name: team.name })).status, 201);
      const submitted = await member.upload(`/api/phases/${rankedPhase}/submissions`, [{ path: join(work, team.file), name: 'AIIB_002.nii.gz' }]);
      assert.equal(submitted.status, 202, submitted.text);
      team.id = submitted.body.submission.id;
      await waitFor(`submission ${team.id}`, async () => {
        const r = await member.get(`/api/submissions/${team.id}`);
        return r.body.submission.status === 'done' && r.body;
      }, 90_000, 200);
    }
    const board = (await t.agent().get(`/api/phases/${rankedPhase}/leaderboard`)).body;
    assert.deepEqual(board.entries.map((e: { team: { name: string }; rank: number }) => [e.team.name, e.rank]), [['Exact', 1], ['Leaks', 2]]);
    assert.match(board.explanation, /Leakage \(lower is better, weight 3\)/);
    const csv = (await organiser.get(`/api/phases/${rankedPhase}/export.csv?table=leaderboard`)).text.split('\r\n');
    const columns = csv[0].split(',');
    const rows = csv.slice(1).filter(Boolean).map((line) => line.split(','));
    assert.deepEqual(rows.map((r) => Number(r[columns.indexOf('rank')])), [1, 2]);
    assert.equal(Number(rows[0][columns.indexOf('mean_Leakage')]), 0, 'the exact mask leaks nothing');
    assert.ok(Number(rows[1][columns.indexOf('mean_Leakage')]) > 0);
  });

  it('refuses a direct change of suites once results exist (409, naming the re-evaluation route); the same suites pass', async () => {
    const change = await organiser.patch(`/api/phases/${phaseId}`, { metricSuites: ['atm22', 'aiib23'] });
    assert.equal(change.status, 409, change.text);
    assert.match(change.body.error.message, new RegExp(`POST /api/phases/${phaseId}/reevaluate`));
    assert.equal((await organiser.patch(`/api/phases/${phaseId}`, { metricSuites: ['aiib23'] })).status, 200);
    const unknown = await organiser.patch(`/api/phases/${phaseId}`, { metricSuites: ['nope'] });
    assert.equal(unknown.status, 422);
  });

  it('changes the suites through a re-evaluation run: scored with both, published, the phase then has both', async () => {
    const started = await organiser.post(`/api/phases/${phaseId}/reevaluate`, { reason: 'add the ATM\'22 metrics', metricSuites: ['atm22', 'aiib23'] });
    assert.equal(started.status, 202, started.text);
    const runId = started.body.run.id;
    assert.deepEqual(started.body.run.metricSuites, ['atm22', 'aiib23']);
    await waitFor(`run ${runId}`, async () => {
      const r = await organiser.get(`/api/runs/${runId}`);
      return r.body.run.status === 'ready' && r.body;
    }, 90_000, 200);
    const published = await organiser.post(`/api/runs/${runId}/publish`, {});
    assert.equal(published.status, 200, published.text);
    const phase = await organiser.get(`/api/phases/${phaseId}`);
    assert.deepEqual(phase.body.phase.metricSuites, ['atm22', 'aiib23']);
    const board = await t.agent().get(`/api/phases/${phaseId}/leaderboard`);
    const mean = board.body.entries[0].mean;
    for (const name of ['TD', 'BD', 'DSC', 'Precision', ...AIIB_STORED]) assert.equal(typeof mean[name], 'number', name);
  });
});
