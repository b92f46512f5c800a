/**
 * A model through resumable uploads (server/intake/resumable/): a model phase takes its .onnx file as a tus upload
 * and the manifest in the from-uploads request, then the same validation and acceptance as POST /models.
 */
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createPhaseWithCases, createTeam } from '../helpers/submission-fixtures.ts';
import { TusClient } from '../reliability/tus-helpers.ts';
import { removeScratch, tubeManifest, tubeModel, writeModelFile } from './model-fixtures.ts';

describe('model upload through resumable uploads', function () {
  this.timeout(120_000);
  let t: TestApp;
  let phaseId: number;
  let tus: TusClient;
  let challengeId: number;

  before(async () => {
    t = await createTestApp('model-resumable');
    const phase = await createPhaseWithCases(t, { caseNames: ['case_a', 'case_b'], kind: 'model', dailyLimit: 5 });
    phaseId = phase.phaseId;
    challengeId = phase.challengeId;
    const team = await createTeam(t, phase.challengeId);
    tus = new TusClient(t.baseUrl, (await team.member.post('/api/tokens', { name: 'tus' })).body.token);
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
    removeScratch();
  });

  const submit = (body: unknown): Promise<{ status: number; body: any }> =>
    fetch(`${t.baseUrl}/api/phases/${phaseId}/submissions/from-uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tus.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: await res.json() }));

  it('refuses a file that is not .onnx, or one over the phase\'s model limit, at creation', async () => {
    const notOnnx = await tus.create(phaseId, 'model.pt', 100);
    assert.equal(notOnnx.status, 400);
    assert.match(notOnnx.body.error.message, /must be an \.onnx file/);
    await t.db.query('update phases set model_max_bytes = 1024 where id = $1', [phaseId]);
    try {
      const big = await tus.create(phaseId, 'model.onnx', 2048);
      assert.equal(big.status, 413);
      assert.match(big.body.error.message, /larger than 1 KiB, this phase's limit for models/);
    } finally {
      await t.db.query('update phases set model_max_bytes = 52428800 where id = $1', [phaseId]);
    }
  });

  it('accepts the model with its manifest: one queued model run per case', async () => {
    const id = await tus.uploadFile(phaseId, writeModelFile(tubeModel()), 'tube.onnx');
    const noManifest = await submit({ uploadIds: [id] });
    assert.equal(noManifest.status, 400);
    assert.match(noManifest.body.error.message, /no manifest/);
    const reply = await submit({ uploadIds: [id], manifest: tubeManifest(), note: 'via tus' });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal(reply.body.submission.kind, 'model');
    assert.equal(reply.body.submission.model.file, 'tube.onnx');
    assert.deepEqual(reply.body.submission.cases, ['case_a', 'case_b']);
    const runs = await t.db.query(
      `select r.status from model_runs r join evaluations e on e.id = r.evaluation_id where e.submission_id = $1`,
      [reply.body.submission.id],
    );
    assert.deepEqual(runs.rows.map((r) => r.status), ['queued', 'queued']);
    assert.equal((await tus.request('HEAD', `/api/uploads/${id}`)).status, 404, 'the upload is used up');
  });

  it("keeps a team's model upload from another team and from anonymous callers: 404 / 401, nothing stored", async () => {
    const id = await tus.uploadFile(phaseId, writeModelFile(tubeModel()), 'mine.onnx');
    const other = await createTeam(t, challengeId);
    const otherToken = (await other.member.post('/api/tokens', { name: 'other' })).body.token;
    const asOther = await fetch(`${t.baseUrl}/api/phases/${phaseId}/submissions/from-uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${otherToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ uploadIds: [id], manifest: tubeManifest() }),
    });
    assert.equal(asOther.status, 404);
    const anonymous = await fetch(`${t.baseUrl}/api/phases/${phaseId}/submissions/from-uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uploadIds: [id], manifest: tubeManifest() }),
    });
    assert.equal(anonymous.status, 401);
    const stored = await t.db.query(`select count(*)::int as n from submissions s join teams m on m.id = s.team_id where m.id = $1`, [other.teamId]);
    assert.equal(stored.rows[0].n, 0, 'no submission for the other team');
    assert.equal((await tus.request('HEAD', `/api/uploads/${id}`)).status, 200, 'the upload is still its owner\'s');
    assert.equal((await tus.request('DELETE', `/api/uploads/${id}`)).status, 204);
  });

  it('takes one upload per model, and validates it like a multipart model', async () => {
    const first = await tus.uploadFile(phaseId, writeModelFile(tubeModel()), 'a.onnx');
    const two = await submit({ uploadIds: [first, first + 'x'], manifest: tubeManifest() });
    assert.equal(two.status, 400);
    const bad = await submit({ uploadIds: [first], manifest: '{"input": ' });
    assert.equal(bad.status, 422);
    assert.match(bad.body.error.message, /the manifest is not valid JSON/);
    assert.equal((await tus.request('DELETE', `/api/uploads/${first}`)).status, 204);
  });
});
