/**
 * Model uploads to a model phase: a good model is accepted with its runs queued; bad ones are refused before
 * anything is stored, each with a 4xx that names the problem (validated in a sandboxed child, never in the server).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBaselineModel } from '../../seed/baseline-model/build-baseline.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createPhaseWithCases, createTeam } from '../helpers/submission-fixtures.ts';
import { removeScratch, scratch, simpleModel, tubeManifest, tubeModel, uploadModel, writeModelFile } from './model-fixtures.ts';

describe('model upload', function () {
  this.timeout(120_000);
  let t: TestApp;
  let phaseId: number;
  let member: Awaited<ReturnType<typeof createTeam>>;
  const tube = () => writeModelFile(tubeModel());

  before(async () => {
    t = await createTestApp('model-upload');
    const phase = await createPhaseWithCases(t, { caseNames: ['case_a', 'case_b'], kind: 'model', dailyLimit: 3 });
    phaseId = phase.phaseId;
    member = await createTeam(t, phase.challengeId);
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
    removeScratch();
  });

  async function submissionCount(): Promise<number> {
    return (await t.db.query('select count(*)::int as n from submissions where team_id = $1', [member.teamId])).rows[0].n;
  }

  async function expectRejected(reply: { status: number; body: any }, status: number, pattern: RegExp, code?: string) {
    assert.equal(reply.status, status, JSON.stringify(reply.body));
    assert.match(reply.body.error.message, pattern);
    if (code) assert.equal(reply.body.error.details[0].code, code);
  }

  it('accepts a valid model: stored by content, one queued evaluation and model run per case, jobs enqueued', async () => {
    const before = await submissionCount();
    const reply = await uploadModel(member.member, phaseId, tube(), tubeManifest(), { note: 'tube detector' });
    assert.equal(reply.status, 202, reply.text);
    const { submission, quota } = reply.body;
    assert.equal(submission.kind, 'model');
    assert.deepEqual(submission.cases, ['case_a', 'case_b']);
    assert.match(submission.model.sha256, /^[0-9a-f]{64}$/);
    assert.equal(submission.manifest.input.layout, 'NCDHW');
    assert.equal(quota.usedLast24h, before + 1);
    const model = (await t.db.query('select * from submission_models where submission_id = $1', [submission.id])).rows[0];
    assert.equal(model.sha256, submission.model.sha256);
    assert.equal(model.summary.inputName, 'x');
    assert.deepEqual(model.summary.inputs[0].dims, [1, 1, 'd', 'h', 'w']);
    assert.ok(await t.deps.storage.hasBlob(model.sha256));
    const runs = (await t.db.query(
      `select r.status, e.status as evaluation from model_runs r join evaluations e on e.id = r.evaluation_id where e.submission_id = $1`,
      [submission.id],
    )).rows;
    assert.deepEqual(runs, [{ status: 'queued', evaluation: 'queued' }, { status: 'queued', evaluation: 'queued' }]);
    // no masks yet: each model run adds its case's file when it has made it
    assert.equal((await t.db.query('select count(*)::int as n from submission_files where submission_id = $1', [submission.id])).rows[0].n, 0);
    const jobs = (await t.db.query(`select count(*)::int as n from pgboss.job where name = 'run-model'`)).rows[0].n;
    assert.equal(jobs, 2);
    const detail = await member.member.get(`/api/submissions/${submission.id}/model`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.runs.length, 2);
    assert.equal(detail.body.runs[0].status, 'queued');
  });

  it('accepts the shipped baseline model as it is', async () => {
    const baseline = buildBaselineModel();
    const path = writeModelFile(baseline.onnx, baseline.fileName);
    const reply = await uploadModel(member.member, phaseId, path, baseline.manifest);
    assert.equal(reply.status, 202, reply.text);
    assert.ok(reply.body.submission.model.nodes > 20);
  });

  it('refuses a file that is not ONNX', async () => {
    const path = join(scratch(), 'notes.onnx');
    writeFileSync(path, 'this is a text file, not a model\n'.repeat(20));
    const before = await submissionCount();
    await expectRejected(await uploadModel(member.member, phaseId, path, tubeManifest()), 422, /not an ONNX model/, 'NOT_ONNX');
    assert.equal(await submissionCount(), before);
  });

  it('refuses a model whose input has the wrong rank, saying what Carina feeds', async () => {
    const rank4 = writeModelFile(simpleModel([{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], { input: [1, 1, 16, 16], output: [1, 1, 16, 16] }));
    await expectRejected(await uploadModel(member.member, phaseId, rank4, tubeManifest()), 422, /input "x" has rank 4 \[1, 1, 16, 16\]; Carina feeds 5-dimensional tensors \[1, 1, 16, 16, 16\]/, 'WRONG_INPUT_RANK');
  });

  it('refuses a model whose declared patch differs from the manifest', async () => {
    const fixed = writeModelFile(simpleModel([{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], { input: [1, 1, 32, 32, 32], output: [1, 1, 32, 32, 32] }));
    await expectRejected(await uploadModel(member.member, phaseId, fixed, tubeManifest(16)), 422, /declared \[1, 1, 32, 32, 32\], but the manifest makes it \[1, 1, 16, 16, 16\]/, 'WRONG_INPUT_SHAPE');
  });

  it('refuses a model with a huge declared tensor before loading it', async () => {
    const huge = writeModelFile(
      simpleModel([{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }], { initializers: [{ name: 'w', dims: [100000, 100000, 100] }] }),
    );
    await expectRejected(await uploadModel(member.member, phaseId, huge, tubeManifest()), 422, /initializer "w" declares 100000x100000x100 = 1\.00e\+12 elements, more than the limit/, 'TENSOR_TOO_LARGE');
  });

  it('refuses weights stored in an external file', async () => {
    const external = writeModelFile(
      simpleModel([{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }], { initializers: [{ name: 'w', dims: [1], externalLocation: 'weights.bin' }] }),
    );
    await expectRejected(await uploadModel(member.member, phaseId, external, tubeManifest()), 422, /initializer "w" is stored in an external file/, 'EXTERNAL_DATA');
  });

  it('refuses an unsupported opset', async () => {
    const old = writeModelFile(simpleModel([{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], { opset: 3 }));
    await expectRejected(await uploadModel(member.member, phaseId, old, tubeManifest()), 422, /opset 3 is not supported; export with an opset from 7 to/, 'UNSUPPORTED_OPSET');
  });

  it('refuses a model whose real output does not match the manifest (found by the validation run)', async () => {
    const halves = writeModelFile(
      simpleModel([{ op: 'AveragePool', inputs: ['x'], outputs: ['y'], attributes: { kernel_shape: { ints: [2, 2, 2] }, strides: { ints: [2, 2, 2] } } }]),
    );
    await expectRejected(await uploadModel(member.member, phaseId, halves, tubeManifest()), 422, /the model returned \[1, 1, 8, 8, 8\]; the manifest .* makes it \[1, 1, 16, 16, 16\]/, 'WRONG_OUTPUT_SHAPE');
  });

  it('refuses a model onnxruntime cannot load, passing on its reason', async () => {
    const unknownOp = writeModelFile(simpleModel([{ op: 'NoSuchOperator', inputs: ['x'], outputs: ['y'] }]));
    await expectRejected(await uploadModel(member.member, phaseId, unknownOp, tubeManifest()), 422, /onnxruntime 1\.30\.0 cannot load the model: .*NoSuchOperator/, 'MODEL_LOAD_FAILED');
  });

  it('refuses a model that needs more memory than the phase allows, and the server lives on', async () => {
    // a 4 GiB tensor of zeros made at run time: nothing declares it, so only the memory watch can stop it
    const hog = writeModelFile(
      simpleModel(
        [
          { op: 'ConstantOfShape', inputs: ['shape'], outputs: ['big'], attributes: { value: { tensor: { name: 'v', dims: [1], floats: Float32Array.from([0]) } } } },
          { op: 'ReduceMax', inputs: ['big'], outputs: ['m'], attributes: { keepdims: { int: 0 } } },
          { op: 'Add', inputs: ['x', 'm'], outputs: ['y'] },
        ],
        { initializers: [{ name: 'shape', dims: [5], int64s: [1, 1, 1024, 1024, 1024] }] },
      ),
    );
    await t.db.query('update phases set model_memory_limit_mb = 512 where id = $1', [phaseId]);
    try {
      await expectRejected(await uploadModel(member.member, phaseId, hog, tubeManifest()), 422, /needed more than 512 MB of memory/, 'MODEL_MEMORY_LIMIT');
    } finally {
      await t.db.query('update phases set model_memory_limit_mb = 3072 where id = $1', [phaseId]);
    }
    assert.equal((await t.agent().get('/healthz')).status, 200);
  });

  it('refuses a model over the phase\'s size limit with 413', async () => {
    await t.db.query('update phases set model_max_bytes = 1024 where id = $1', [phaseId]);
    try {
      const big = writeModelFile(simpleModel([{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }], { initializers: [{ name: 'w', dims: [1000], floats: new Float32Array(1000) }] }));
      await expectRejected(await uploadModel(member.member, phaseId, big, tubeManifest()), 413, /larger than 1 KiB, this phase's limit for models/);
    } finally {
      await t.db.query('update phases set model_max_bytes = 52428800 where id = $1', [phaseId]);
    }
  });

  it('refuses a manifest that is not JSON, or misses or mistypes fields, naming each', async () => {
    await expectRejected(await uploadModel(member.member, phaseId, tube(), '{"input": '), 422, /the manifest is not valid JSON/);
    const bad = { ...tubeManifest(), input: { ...tubeManifest().input, patchSize: [16, 16] }, output: { type: 'scores', channels: 1, foregroundChannel: 2 } };
    const reply = await uploadModel(member.member, phaseId, tube(), bad);
    await expectRejected(reply, 422, /input\.patchSize: .*output\.type: /);
    const typo = { ...tubeManifest(), overlapp: 0.5 };
    await expectRejected(await uploadModel(member.member, phaseId, tube(), typo), 422, /Unrecognized key.*overlapp/i);
  });

  it('wants the model in "model" and a manifest, as multipart', async () => {
    const noManifest = await member.member.upload(`/api/phases/${phaseId}/models`, [{ path: tube(), field: 'model' }]);
    await expectRejected(noManifest, 400, /no manifest/);
    const wrongField = await member.member.upload(`/api/phases/${phaseId}/models`, [{ path: tube(), field: 'files' }], { manifest: '{}' });
    await expectRejected(wrongField, 400, /field "model"/);
    const json = await member.member.post(`/api/phases/${phaseId}/models`, { manifest: {} });
    assert.equal(json.status, 415);
  });

  it('refuses models in a masks phase, and masks in a model phase', async () => {
    const masks = await createPhaseWithCases(t, { caseNames: ['c1'] });
    const team = await createTeam(t, masks.challengeId);
    await expectRejected(await uploadModel(team.member, masks.phaseId, tube(), tubeManifest()), 409, /takes segmentation masks, not models/);
    const reply = await member.member.upload(`/api/phases/${phaseId}/submissions`, [{ path: tube(), name: 'case_a.nii.gz' }]);
    await expectRejected(reply, 409, /takes models, not segmentation masks/);
  });

  it('counts models against the same quota as masks', async () => {
    const used = (await member.member.get(`/api/phases/${phaseId}/quota`)).body.usedLast24h;
    assert.equal(used, 2);
    const third = await uploadModel(member.member, phaseId, tube(), tubeManifest());
    assert.equal(third.status, 202, third.text);
    await expectRejected(await uploadModel(member.member, phaseId, tube(), tubeManifest()), 429, /made 3 submissions in the last 24 hours/);
  });

  it('lets only team members and organisers see a model submission; tells everyone the rules', async () => {
    const id = (await t.db.query('select id from submissions where team_id = $1 order by id limit 1', [member.teamId])).rows[0].id;
    const outsider = t.agent();
    await outsider.register(`model-outsider-${process.pid}@example.org`);
    assert.equal((await outsider.get(`/api/submissions/${id}/model`)).status, 404);
    const rules = await outsider.get(`/api/phases/${phaseId}/model-rules`);
    assert.equal(rules.status, 200);
    assert.equal(rules.body.limits.memoryLimitPerCaseMb, 3072);
    assert.equal(rules.body.caps.externalData, false);
  });
});
