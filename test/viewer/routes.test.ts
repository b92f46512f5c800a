/**
 * The 3D viewer's routes against a real server, database, queue and in-process worker, on a small synthetic
 * airway (a trachea splitting into two bronchi) and a prediction that misses one bronchus and leaks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { writeVolume } from '../../evaluator/index.ts';
import { decodeMesh } from '../../contract/viewer/mesh-format.ts';
import type { TriangleMesh } from '../../contract/viewer/triangle-mesh.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { artefactKeys, readArtefact } from '../../server/viewer/artefact-store.ts';
import { decodeVolume } from '../../contract/viewer/volume-format.ts';
import { createCase, createPhase, createSubmission, createTeam, waitFor } from '../helpers/platform-rows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { bounds } from '../helpers/mesh-checks.ts';
import { cloneMask, countForeground, drawBall, drawTube, emptyMask, type MaskVolume } from '../helpers/volumes.ts';

const GEOMETRY = { spacing: [0.7, 0.7, 0.8] as const, origin: [40, -30, -100] as const, direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] };
const SIZE = [32, 24, 40] as const;

function airway(): MaskVolume {
  const mask = emptyMask(SIZE, GEOMETRY);
  drawTube(mask, [16, 12, 38], [16, 12, 22], 3);
  drawTube(mask, [16, 12, 22], [7, 12, 5], 2);
  drawTube(mask, [16, 12, 22], [25, 12, 5], 2);
  return mask;
}

/** Physical position of voxel index (x, y, z) — index space is continuous here. */
function physical(x: number, y: number, z: number): number[] {
  const d = GEOMETRY.direction;
  const p = [x * GEOMETRY.spacing[0], y * GEOMETRY.spacing[1], z * GEOMETRY.spacing[2]];
  return [0, 1, 2].map((r) => GEOMETRY.origin[r] + d[3 * r] * p[0] + d[3 * r + 1] * p[1] + d[3 * r + 2] * p[2]);
}

/** The physical box of a voxel-index box (corners lo..hi, inclusive of half voxels). */
function physicalBox(lo: number[], hi: number[]) {
  const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => physical(n & 1 ? hi[0] : lo[0], n & 2 ? hi[1] : lo[1], n & 4 ? hi[2] : lo[2]));
  return { min: [0, 1, 2].map((c) => Math.min(...corners.map((p) => p[c]))), max: [0, 1, 2].map((c) => Math.max(...corners.map((p) => p[c]))) };
}

function assertInside(mesh: TriangleMesh, box: { min: number[]; max: number[] }, what: string) {
  const got = bounds(mesh);
  for (let c = 0; c < 3; c++) {
    assert.ok(got.min[c] >= box.min[c] - 1e-3 && got.max[c] <= box.max[c] + 1e-3, `${what}, axis ${c}: ${got.min[c]}..${got.max[c]} outside ${box.min[c]}..${box.max[c]}`);
  }
}

interface Binary {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as sent (still gzip when Content-Encoding says so). */
  raw: Buffer;
  body: Buffer;
}

/** GET over plain node:http (no transparent decompression), with a Bearer token when given. */
function getBinary(t: TestApp, path: string, token?: string, headers: Record<string, string> = {}): Promise<Binary> {
  return new Promise((resolve, reject) => {
    const url = new URL(t.baseUrl + path);
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { 'accept-encoding': 'gzip', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const body = res.headers['content-encoding'] === 'gzip' && raw.length > 0 ? gunzipSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const json = (reply: Binary) => JSON.parse(reply.body.toString('utf8'));

describe('3D viewer routes', function () {
  this.timeout(120_000);
  let t: TestApp;
  let dir: string;
  const tokens: Record<'organiser' | 'member' | 'otherTeam' | 'hiddenMember', string> = { organiser: '', member: '', otherTeam: '', hiddenMember: '' };
  let evaluationId: number;
  let hiddenEvaluationId: number;
  let caseId: number;
  let goldId: number;
  let predSha: string;

  async function userWithToken(email: string): Promise<{ id: number; token: string }> {
    const agent = t.agent();
    await agent.register(email);
    const token = (await agent.post('/api/tokens', { name: 'viewer' })).body.token as string;
    const id = (await t.db.query('select id from users where email = $1', [email])).rows[0].id as number;
    return { id, token };
  }

  before(async () => {
    t = await createTestApp('viewer');
    await startWorker(t.deps);
    dir = mkdtempSync(join(tmpdir(), 'carina-viewer-'));
    const goldPath = join(dir, 'Y_01.nii.gz');
    const predPath = join(dir, 'Y_01_pred.nii.gz');
    await writeVolume(goldPath, airway());
    const prediction = emptyMask(SIZE, GEOMETRY);
    drawTube(prediction, [16, 12, 38], [16, 12, 22], 3);
    drawTube(prediction, [16, 12, 22], [7, 12, 5], 2); // the right bronchus (towards x = 25) is missed
    drawBall(prediction, [16, 17, 30], 3); // a blob bulging out of the trachea: leakage
    await writeVolume(predPath, cloneMask(prediction));

    const shown = await createPhase(t.deps, { showCaseResults: true, teamsInspectIn3d: true });
    const hidden = await createPhase(t.deps, { showCaseResults: false });
    ({ caseId, goldId } = await createCase(t.deps, shown.phaseId, 'Y_01', goldPath));
    const hiddenCase = await createCase(t.deps, hidden.phaseId, 'Y_01', goldPath);
    const alpha = await createTeam(t.deps, shown.challengeId, 'Alpha');
    const beta = await createTeam(t.deps, shown.challengeId, 'Beta');
    const gamma = await createTeam(t.deps, hidden.challengeId, 'Gamma');

    const organiser = await userWithToken('organiser@viewer.test');
    const member = await userWithToken('member@viewer.test');
    const otherTeam = await userWithToken('beta@viewer.test');
    const hiddenMember = await userWithToken('gamma@viewer.test');
    for (const challengeId of [shown.challengeId, hidden.challengeId]) {
      await t.db.query('insert into challenge_organisers (challenge_id, user_id) values ($1, $2)', [challengeId, organiser.id]);
    }
    const join_ = (teamId: number, userId: number, challengeId: number) =>
      t.db.query('insert into team_members (team_id, user_id, challenge_id) values ($1, $2, $3)', [teamId, userId, challengeId]);
    await join_(alpha.teamId, member.id, shown.challengeId);
    await join_(beta.teamId, otherTeam.id, shown.challengeId);
    await join_(gamma.teamId, hiddenMember.id, hidden.challengeId);
    Object.assign(tokens, { organiser: organiser.token, member: member.token, otherTeam: otherTeam.token, hiddenMember: hiddenMember.token });

    evaluationId = (await createSubmission(t.deps, shown.phaseId, alpha, [{ caseId, path: predPath }])).evaluationIds[0];
    hiddenEvaluationId = (await createSubmission(t.deps, hidden.phaseId, gamma, [{ caseId: hiddenCase.caseId, path: predPath }])).evaluationIds[0];
    for (const id of [evaluationId, hiddenEvaluationId]) {
      const row = await waitFor(`evaluation ${id}`, async () => {
        const r = (await t.db.query('select status, error_message from evaluations where id = $1', [id])).rows[0];
        return (r.status === 'done' || r.status === 'failed') && r;
      });
      assert.equal(row.status, 'done', row.error_message);
    }
    predSha = (await t.db.query('select sha256 from submission_files f join evaluations e on e.submission_id = f.submission_id where e.id = $1', [evaluationId])).rows[0].sha256;
  });

  after(async function () {
    rmSync(dir, { recursive: true, force: true });
    await t.close(this.currentTest?.state === 'failed');
  });

  it('lists every branch with its result, matching the stored metrics', async () => {
    const reply = await getBinary(t, `/api/evaluations/${evaluationId}/viewer`, tokens.organiser);
    assert.equal(reply.status, 200, reply.body.toString());
    const view = json(reply);
    const metrics = (await t.db.query('select metrics from evaluations where id = $1', [evaluationId])).rows[0].metrics;
    assert.equal(view.evaluation.status, 'done');
    assert.equal(view.case.name, 'Y_01');
    assert.deepEqual(view.case.geometry.size, [...SIZE]);
    assert.equal(view.submission.team.name, 'Alpha');
    assert.equal(view.metrics.TD, metrics.TD);
    assert.equal(view.metrics.branch_detected, undefined, 'per-branch arrays are in branches');
    assert.equal(view.branches.length, metrics.branches_total);
    view.branches.forEach((b: Record<string, unknown>, n: number) => {
      assert.equal(b.id, n + 1);
      assert.equal(b.detected, metrics.branch_detected[n] === 1, `branch ${n + 1}`);
      assert.equal(b.skeletonInPred, metrics.branch_skeleton_in_pred[n]);
      assert.equal(typeof b.generation, 'number');
    });
    const detected = view.branches.filter((b: { detected: boolean }) => b.detected).length;
    assert.ok(detected >= 1 && detected < view.branches.length, `${detected} of ${view.branches.length} detected`);
    assert.equal(view.branches.filter((b: { trachea: boolean }) => b.trachea).length, 1);
    assert.deepEqual(view.counts, {
      branchesTotal: metrics.branches_total,
      branchesDetected: metrics.branches_detected,
      missed: metrics.branches_total - metrics.branches_detected,
      leakageVoxels: metrics.leakage_voxels,
      leakageComponents: metrics.leakage_components,
    });
    assert.ok(view.counts.leakageVoxels > 0);
    assert.deepEqual(view.surfaces, {
      gold: `/api/evaluations/${evaluationId}/viewer/gold-surface`,
      leakage: `/api/evaluations/${evaluationId}/viewer/leakage-surface`,
    });
    assert.equal(view.volumes.ct, `/api/evaluations/${evaluationId}/viewer/ct`);
  });

  it('sends the gold surface gzip-encoded, with branch labels, inside the volume\'s physical bounds', async () => {
    const reply = await getBinary(t, `/api/evaluations/${evaluationId}/viewer/gold-surface`, tokens.organiser);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-encoding'], 'gzip');
    assert.equal(reply.headers['content-type'], 'application/octet-stream');
    assert.ok(reply.raw.length < reply.body.length, 'sent compressed');
    const { header, mesh } = decodeMesh(reply.body);
    assert.equal(header.hasBranchLabels, true);
    assert.equal(header.coordinates, 'LPS millimetres');
    assert.ok(header.triangleCount > 100);
    assertInside(mesh, physicalBox([-0.5, -0.5, -0.5], SIZE.map((n) => n - 0.5)), 'gold surface');
    const labels = new Set(mesh.labels);
    const view = json(await getBinary(t, `/api/evaluations/${evaluationId}/viewer`, tokens.organiser));
    assert.deepEqual([...labels].sort((a, b) => a - b), view.branches.map((b: { id: number }) => b.id), 'every branch is on the surface, nothing else');
    // an unchanged artefact revalidates for free
    const again = await getBinary(t, `/api/evaluations/${evaluationId}/viewer/gold-surface`, tokens.organiser, { 'if-none-match': String(reply.headers.etag) });
    assert.equal(again.status, 304);
  });

  it('sends the leakage surface around the leak only', async () => {
    const reply = await getBinary(t, `/api/evaluations/${evaluationId}/viewer/leakage-surface`, tokens.member);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-encoding'], 'gzip');
    const { header, mesh } = decodeMesh(reply.body);
    assert.equal(header.hasBranchLabels, false);
    assert.ok(header.triangleCount > 0);
    // the blob: centre (16, 17, 30), radius 3 voxels; the missed bronchus is not leakage
    assertInside(mesh, physicalBox([12.5, 13.5, 26.5], [19.5, 20.5, 33.5]), 'leakage surface');
  });

  it('sends CT, gold and prediction volumes at level 2 and full resolution', async () => {
    const metrics = (await t.db.query('select metrics from evaluations where id = $1', [evaluationId])).rows[0].metrics;
    const ct2 = await getBinary(t, `/api/evaluations/${evaluationId}/viewer/ct?level=2`, tokens.member);
    assert.equal(ct2.status, 200);
    assert.equal(ct2.headers['content-encoding'], 'gzip');
    const { header, voxels } = decodeVolume(ct2.body);
    assert.deepEqual(header.size, [8, 6, 10]);
    assert.deepEqual(header.spacing.map((s) => +s.toFixed(4)), [2.8, 2.8, 3.2]);
    // the first voxel's centre is the centre of its 4×4×4 block: index (1.5, 1.5, 1.5)
    assert.deepEqual(header.origin.map((o) => +o.toFixed(4)), physical(1.5, 1.5, 1.5).map((o) => +o.toFixed(4)));
    assert.deepEqual(header.direction, GEOMETRY.direction);
    assert.equal(header.componentType, 'int16');
    assert.deepEqual([header.level, header.downsample], [2, 4]);
    assert.equal(voxels.length, 8 * 6 * 10);

    const gold0 = decodeVolume((await getBinary(t, `/api/evaluations/${evaluationId}/viewer/gold?level=0`, tokens.member)).body);
    assert.deepEqual(gold0.header.size, [...SIZE]);
    assert.equal(gold0.header.componentType, 'uint8');
    assert.equal(countForeground(gold0.voxels), metrics.gt_lcc_voxels);
    assert.deepEqual(gold0.voxels, airway().data, 'G of a solid airway is the airway');
    const pred0 = decodeVolume((await getBinary(t, `/api/evaluations/${evaluationId}/viewer/prediction?level=0`, tokens.member)).body);
    assert.equal(countForeground(pred0.voxels), metrics.pred_lcc_voxels);
    const pred2 = decodeVolume((await getBinary(t, `/api/evaluations/${evaluationId}/viewer/prediction?level=2`, tokens.member)).body);
    assert.ok(countForeground(pred2.voxels) > 0 && countForeground(pred2.voxels) < 8 * 6 * 10);

    const bad = await getBinary(t, `/api/evaluations/${evaluationId}/viewer/ct?level=9`, tokens.member);
    assert.equal(bad.status, 400);
    assert.match(json(bad).error.message, /level must be an integer from 0 \(full resolution\) to 3/);
  });

  it('lets organisers and the submitting team in while results are shown; 404 for everyone else, 401 anonymous', async () => {
    const path = `/api/evaluations/${evaluationId}/viewer`;
    assert.equal((await getBinary(t, path, tokens.organiser)).status, 200);
    assert.equal((await getBinary(t, path, tokens.member)).status, 200);
    assert.equal((await getBinary(t, `${path}/gold-surface`, tokens.member)).status, 200);
    const other = await getBinary(t, path, tokens.otherTeam);
    assert.equal(other.status, 404);
    assert.equal(json(other).error.message, `no evaluation ${evaluationId} visible to you`);
    assert.equal((await getBinary(t, `${path}/gold-surface`, tokens.otherTeam)).status, 404);
    assert.equal((await getBinary(t, `${path}/ct?level=2`, tokens.otherTeam)).status, 404);
    assert.equal((await getBinary(t, `/api/evaluations/999999/viewer`, tokens.organiser)).status, 404);
    const anonymous = await getBinary(t, path);
    assert.equal(anonymous.status, 401);
    assert.equal(json(anonymous).error.code, 'UNAUTHENTICATED');
    assert.equal((await getBinary(t, `${path}/leakage-surface`)).status, 401);

    // the phase hides per-case results: the team gets 404, the organisers still see it
    const hiddenPath = `/api/evaluations/${hiddenEvaluationId}/viewer`;
    const hidden = await getBinary(t, hiddenPath, tokens.hiddenMember);
    assert.equal(hidden.status, 404);
    assert.match(json(hidden).error.message, /does not show per-case results/);
    assert.equal((await getBinary(t, `${hiddenPath}/gold-surface`, tokens.hiddenMember)).status, 404);
    assert.equal((await getBinary(t, hiddenPath, tokens.organiser)).status, 200);
  });

  it('keeps the 3D inspection from teams where the phase shows results but not the gold standard\'s shape', async () => {
    await t.db.query('update phases set teams_inspect_in_3d = false where id = (select phase_id from submissions s join evaluations e on e.submission_id = s.id where e.id = $1)', [evaluationId]);
    try {
      const reply = await getBinary(t, `/api/evaluations/${evaluationId}/viewer`, tokens.member);
      assert.equal(reply.status, 404);
      assert.match(json(reply).error.message, /does not let teams inspect/);
      assert.equal((await getBinary(t, `/api/evaluations/${evaluationId}/viewer/gold-surface`, tokens.member)).status, 404);
      assert.equal((await getBinary(t, `/api/evaluations/${evaluationId}/viewer`, tokens.organiser)).status, 200);
    } finally {
      await t.db.query('update phases set teams_inspect_in_3d = true where id = (select phase_id from submissions s join evaluations e on e.submission_id = s.id where e.id = $1)', [evaluationId]);
    }
  });

  it('gives organisers the case form; teams cannot reach a case by its id', async () => {
    const reply = await getBinary(t, `/api/cases/${caseId}/viewer`, tokens.organiser);
    assert.equal(reply.status, 200);
    const view = json(reply);
    assert.equal(view.case.name, 'Y_01');
    assert.equal(view.metrics, undefined);
    assert.ok(view.branches.length >= 3);
    assert.deepEqual(Object.keys(view.branches[0]).sort(), ['generation', 'id', 'parent', 'skeletonVoxels', 'trachea']);
    assert.equal(view.surfaces.gold, `/api/cases/${caseId}/viewer/gold-surface`);
    const surface = await getBinary(t, view.surfaces.gold, tokens.organiser);
    assert.equal(surface.status, 200);
    assert.equal(decodeMesh(surface.body).header.hasBranchLabels, true);
    for (const path of [`/api/cases/${caseId}/viewer`, `/api/cases/${caseId}/viewer/gold-surface`, `/api/cases/${caseId}/viewer/ct?level=2`]) {
      assert.equal((await getBinary(t, path, tokens.member)).status, 404, path);
    }
    assert.equal((await getBinary(t, `/api/cases/${caseId}/viewer`)).status, 401);
  });

  it('has the worker build the artefacts when scoring, and rebuilds a missing one on first request', async () => {
    for (const key of [
      artefactKeys.goldSurface(goldId),
      artefactKeys.goldBranches(goldId),
      artefactKeys.goldMask(goldId, 2),
      artefactKeys.leakageSurface(goldId, predSha),
      artefactKeys.predictionMask(predSha, 2),
    ]) {
      assert.ok(await readArtefact(t.deps.storage, key), `${key} built by the worker`);
    }
    const before = await getBinary(t, `/api/evaluations/${evaluationId}/viewer/leakage-surface`, tokens.organiser);
    rmSync(join(t.storageDir, 'objects', artefactKeys.leakageSurface(goldId, predSha)));
    rmSync(join(t.storageDir, 'objects', artefactKeys.goldSurface(goldId)));
    assert.equal(await readArtefact(t.deps.storage, artefactKeys.leakageSurface(goldId, predSha)), undefined);
    const rebuilt = await getBinary(t, `/api/evaluations/${evaluationId}/viewer/leakage-surface`, tokens.organiser);
    assert.equal(rebuilt.status, 200);
    assert.deepEqual(rebuilt.body, before.body, 'the same surface again');
    const [a, b] = await Promise.all([1, 2].map(() => getBinary(t, `/api/evaluations/${evaluationId}/viewer/gold-surface`, tokens.organiser)));
    assert.equal(a.status, 200);
    assert.deepEqual(a.body, b.body);
  });

  it('answers 409 for the leakage of an evaluation not scored yet, and shows it without results', async () => {
    const { rows } = await t.db.query(
      `with s as (insert into submissions (phase_id, team_id, submitted_by)
                  select p.phase_id, p.team_id, p.submitted_by from submissions p join evaluations e on e.submission_id = p.id where e.id = $1 returning id)
       , f as (insert into submission_files (submission_id, case_id, sha256, original_name) select s.id, $2, $3, 'late.nii.gz' from s)
       insert into evaluations (submission_id, case_id) select s.id, $2 from s returning id`,
      [evaluationId, caseId, predSha],
    );
    const queued = rows[0].id as number;
    const leakage = await getBinary(t, `/api/evaluations/${queued}/viewer/leakage-surface`, tokens.member);
    assert.equal(leakage.status, 409);
    assert.match(json(leakage).error.message, new RegExp(`evaluation ${queued} is queued`));
    const view = json(await getBinary(t, `/api/evaluations/${queued}/viewer`, tokens.member));
    assert.equal(view.metrics, null);
    assert.equal(view.surfaces.leakage, null);
    assert.ok(view.surfaces.gold);
    assert.ok(view.branches.every((b: { detected: unknown; fraction: unknown }) => b.detected === null && b.fraction === null));
  });

  it('answers without gzip to a client that does not accept it', async () => {
    const reply = await getBinary(t, `/api/evaluations/${evaluationId}/viewer/gold-surface`, tokens.organiser, { 'accept-encoding': 'identity' });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-encoding'], undefined);
    assert.equal(decodeMesh(reply.raw).header.hasBranchLabels, true);
  });
});
