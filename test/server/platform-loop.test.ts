/**
 * @slow The whole platform loop over HTTP on the real ATM'22 masks: an organiser creates a challenge, a phase and
 * the two cases; a team registers and submits the five teams' predictions as five submissions; the worker scores
 * them through the queue; per-case results and the leaderboard equal the official outputs.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorker } from '../../server/worker/worker.ts';
import { expectedPairs, referencePath } from '../helpers/reference-cases.ts';
import { waitFor } from '../helpers/platform-rows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const pairs = expectedPairs();
const teamsInOrder = [...new Set(pairs.map((p) => p.pred.split('/')[1].replace(/^pred_|\.nii\.gz$/g, '')))];

describe('platform loop on the real ATM\'22 masks @slow', function () {
  this.timeout(300_000);
  let t: TestApp;
  let work: string;
  before(async () => {
    t = await createTestApp('loop');
    await startWorker(t.deps);
    work = mkdtempSync(join(tmpdir(), 'carina-loop-'));
  });
  after(async function () {
    rmSync(work, { recursive: true, force: true });
    await t.close(this.currentTest?.state === 'failed');
  });

  it('organiser → team → five submissions → per-case results and leaderboard equal expected.json', async () => {
    const organiser = t.agent();
    await organiser.register('organiser@example.org');
    await t.db.query('update users set is_admin = true where email = $1', ['organiser@example.org']);
    assert.equal((await organiser.post('/api/challenges', { slug: 'atm-parity', title: 'ATM parity', participationPolicy: 'auto' })).status, 201);
    const phase = await organiser.post('/api/challenges/atm-parity/phases', {
      name: 'test',
      kind: 'masks',
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      closesAt: new Date(Date.now() + 86400_000).toISOString(),
      dailyLimit: 10,
      totalLimit: null,
      showCaseResults: true,
      ranking: { scheme: 'weighted', weights: { TD: 0.25, BD: 0.25, DSC: 0.25, Precision: 0.25 } },
      leaderboardPick: 'latest',
    });
    assert.equal(phase.status, 201, phase.text);
    const phaseId = phase.body.phase.id;
    for (const name of ['ATM_305', 'ATM_307']) {
      // the consensus gold standard stands in for the CT: the same voxel grid
      const gold = referencePath(`${name}/gold.nii.gz`);
      const created = await organiser.upload(`/api/phases/${phaseId}/cases`, [
        { path: gold, field: 'ct', name: `${name}_0000.nii.gz` },
        { path: gold, field: 'gold', name: `${name}_label.nii.gz` },
      ], { name });
      assert.equal(created.status, 201, created.text);
    }

    // one team, five submissions (quota 10 a day): each with both cases, files named after the case
    const member = t.agent();
    await member.register('team@example.org');
    assert.equal((await member.post('/api/teams', { challenge: 'atm-parity', name: 'Parity team' })).status, 201);
    const submissionIds: number[] = [];
    for (const team of teamsInOrder) {
      const files = ['ATM_305', 'ATM_307'].map((name) => {
        const copy = join(work, `${team}-${name}.nii.gz`);
        copyFileSync(referencePath(`${name}/pred_${team}.nii.gz`), copy);
        return { path: copy, name: `${name}.nii.gz` };
      });
      const submitted = await member.upload(`/api/phases/${phaseId}/submissions`, files, { note: team });
      assert.equal(submitted.status, 202, submitted.text);
      submissionIds.push(submitted.body.submission.id);
    }

    for (let n = 0; n < teamsInOrder.length; n++) {
      const detail = await waitFor(`submission ${submissionIds[n]}`, async () => {
        const r = await member.get(`/api/submissions/${submissionIds[n]}`);
        return (r.body.submission.status === 'done' || r.body.submission.status === 'failed') && r.body;
      }, 180_000, 250);
      assert.equal(detail.submission.status, 'done', JSON.stringify(detail.cases.map((c: { error: unknown }) => c.error)));
      for (const caseResult of detail.cases) {
        const expected = pairs.find((p) => p.case === caseResult.case && p.pred.includes(`pred_${teamsInOrder[n]}.`))!;
        for (const key of ['TD', 'BD', 'DSC', 'Precision', 'Sensitivity', 'Specificity'] as const) {
          assert.equal(caseResult.metrics[key], expected[key], `${teamsInOrder[n]} ${caseResult.case} ${key}`);
        }
      }
    }

    // leaderboard picks the team's latest submission: the last team's predictions
    const board = await t.agent().get(`/api/phases/${phaseId}/leaderboard`);
    assert.equal(board.status, 200);
    assert.equal(board.body.entries.length, 1);
    const entry = board.body.entries[0];
    const last = teamsInOrder[teamsInOrder.length - 1];
    const lastPairs = pairs.filter((p) => p.pred.includes(`pred_${last}.`));
    for (const key of ['TD', 'BD', 'DSC', 'Precision'] as const) {
      const mean = lastPairs.reduce((s, p) => s + (p[key] as number), 0) / lastPairs.length;
      assert.ok(Math.abs(entry.mean[key] - mean) < 1e-9, `${key}: ${entry.mean[key]} vs ${mean}`);
    }
    const score = 0.25 * (entry.mean.TD + entry.mean.BD + entry.mean.DSC + entry.mean.Precision);
    assert.ok(Math.abs(entry.score - score) < 1e-9);
    assert.equal(entry.submissionId, submissionIds[submissionIds.length - 1]);
  });
});
