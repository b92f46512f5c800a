/**
 * The viewer's AIIB23 branch rule: on a phase whose first suite is aiib23, the gold surface is labelled by AIIB23's
 * unrefined segments and each is detected by AIIB23's own rule (Σ C·B_j / Σ B_j ≥ 0.8), not by ATM'22's refined
 * branches. The airway (test/helpers/spurred-airway.ts): a Y whose right bronchus carries a short spur, four
 * segments but three ATM'22 branches; the prediction loses the right bronchus's lower half, so AIIB23 detects the
 * upper segment and misses the lower, and ATM'22 misses the merged branch.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { prepareGold, scoreSuites, unrefinedParsing, writeVolume, type PreparedGold } from '../../evaluator/index.ts';
import { decodeMesh } from '../../contract/viewer/mesh-format.ts';
import { artefactKeys, readArtefact } from '../../server/viewer/artefact-store.ts';
import { aiibBranchTable } from '../../server/viewer/branch-table.ts';
import { goldSurface } from '../../server/viewer/mesh/airway-surfaces.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { createCase, createPhase, createSubmission, createTeam, waitFor } from '../helpers/platform-rows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { LOWER_RIGHT, UPPER_RIGHT, spurredAirway as airway, withoutLowerRight as prediction } from '../helpers/spurred-airway.ts';

/** Crop index of scan voxel (x, y, z) (the crop's axes are x, y, z; z fastest). */
function cropIndex(gold: PreparedGold, x: number, y: number, z: number): number {
  const [n0, n1, n2] = gold.crop.shape;
  const [o0, o1, o2] = gold.crop.origin;
  assert.ok(x - o0 >= 0 && x - o0 < n0 && y - o1 >= 0 && y - o1 < n1 && z - o2 >= 0 && z - o2 < n2);
  return ((x - o0) * n1 + (y - o1)) * n2 + (z - o2);
}

describe('viewer: AIIB23 branch rule', function () {
  this.timeout(120_000);

  describe('unrefined parsing and labelled surface', () => {
    let gold: PreparedGold;
    let parsing: Int32Array;
    before(async () => {
      gold = await prepareGold(airway());
      parsing = unrefinedParsing(gold);
    });

    it('ATM\'22 refines the four segments into three branches; the unrefined parsing keeps the four', () => {
      assert.equal(gold.segmentCount, 4);
      assert.equal(gold.branches.count, 3);
      const seen = new Set<number>();
      for (let v = 0; v < parsing.length; v++) {
        assert.equal(parsing[v] !== 0, gold.voxelClass[v] !== 0, `voxel ${v}: labelled exactly on M`);
        if (parsing[v]) seen.add(parsing[v]);
      }
      assert.deepEqual([...seen].sort(), [1, 2, 3, 4]);
      const upper = parsing[cropIndex(gold, ...UPPER_RIGHT)];
      const lower = parsing[cropIndex(gold, ...LOWER_RIGHT)];
      assert.notEqual(upper, lower, 'the right bronchus is two AIIB23 segments');
      assert.equal(gold.branch[cropIndex(gold, ...UPPER_RIGHT)], gold.branch[cropIndex(gold, ...LOWER_RIGHT)], 'and one ATM\'22 branch');
      // refinement only merges: each segment lies in a single refined branch
      const branchOf = new Map<number, number>();
      for (let v = 0; v < parsing.length; v++) {
        if (!parsing[v]) continue;
        const b = branchOf.get(parsing[v]) ?? gold.branch[v];
        assert.equal(gold.branch[v], b, `segment ${parsing[v]} in one branch`);
        branchOf.set(parsing[v], b);
      }
    });

    it('agrees with the preparation\'s own labels on the skeleton (G = M here, so S = S_M)', () => {
      assert.equal(gold.aiib.rawClass, null);
      gold.aiib.skeletonIndex.forEach((v, n) => assert.equal(parsing[v], gold.aiib.skeletonSegment[n], `skeleton voxel ${v}`));
    });

    it('labels the gold surface by the four segments; the table gives Σ B_j and no tree', async () => {
      const { mesh } = await goldSurface(gold, {}, parsing);
      assert.deepEqual([...new Set(mesh.labels)].sort(), [1, 2, 3, 4]);
      const atm = await goldSurface(gold);
      assert.deepEqual([...new Set(atm.mesh.labels)].sort(), [1, 2, 3]);
      const table = aiibBranchTable(gold);
      assert.equal(table.rule, 'aiib23');
      assert.equal(table.count, 4);
      assert.deepEqual(table.skeletonVoxels, Array.from(gold.aiib.segmentSkeletonVoxels));
      assert.equal(table.skeletonVoxels.slice(1).reduce((a, b) => a + b, 0), gold.aiib.skeletonIndex.length);
      assert.deepEqual([table.generation, table.parent, table.trachea], [[], [], 0]);
    });

    it('the two rules disagree on the right bronchus', async () => {
      const { atm22, aiib23 } = await scoreSuites(gold, prediction(), ['atm22', 'aiib23']);
      const upper = parsing[cropIndex(gold, ...UPPER_RIGHT)];
      const lower = parsing[cropIndex(gold, ...LOWER_RIGHT)];
      const merged = gold.branch[cropIndex(gold, ...UPPER_RIGHT)];
      assert.equal(aiib23!.branch_detected[upper - 1], 1);
      assert.equal(aiib23!.branch_detected[lower - 1], 0);
      assert.equal(atm22!.branch_detected[merged - 1], 0);
    });
  });

  describe('HTTP, a phase ranked by aiib23', () => {
    let t: TestApp;
    let dir: string;
    let evaluationId: number;
    let caseId: number;
    let goldId: number;
    let token: string;
    let gold: PreparedGold;

    const get = async (path: string) => {
      const res = await fetch(t.baseUrl + path, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'identity' } });
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
    };

    before(async () => {
      t = await createTestApp('viewer-aiib');
      await startWorker(t.deps);
      dir = mkdtempSync(join(tmpdir(), 'carina-viewer-aiib-'));
      const goldPath = join(dir, 'A_01.nii.gz');
      const predPath = join(dir, 'A_01_pred.nii.gz');
      await writeVolume(goldPath, airway());
      await writeVolume(predPath, prediction());
      gold = await prepareGold(airway());
      const phase = await createPhase(t.deps, { showCaseResults: true, teamsInspectIn3d: true });
      await t.db.query(`update phases set metric_suites = '{aiib23,atm22}' where id = $1`, [phase.phaseId]);
      ({ caseId, goldId } = await createCase(t.deps, phase.phaseId, 'A_01', goldPath));
      const team = await createTeam(t.deps, phase.challengeId, 'Alpha');
      evaluationId = (await createSubmission(t.deps, phase.phaseId, team, [{ caseId, path: predPath }])).evaluationIds[0];
      const row = await waitFor(`evaluation ${evaluationId}`, async () => {
        const r = (await t.db.query('select status, error_message from evaluations where id = $1', [evaluationId])).rows[0];
        return (r.status === 'done' || r.status === 'failed') && r;
      });
      assert.equal(row.status, 'done', row.error_message);
      const agent = t.agent();
      await agent.register('organiser@viewer-aiib.test');
      token = (await agent.post('/api/tokens', { name: 'viewer' })).body.token as string;
      const userId = (await t.db.query('select id from users where email = $1', ['organiser@viewer-aiib.test'])).rows[0].id as number;
      await t.db.query('insert into challenge_organisers (challenge_id, user_id) values ($1, $2)', [phase.challengeId, userId]);
    });

    after(async function () {
      rmSync(dir, { recursive: true, force: true });
      await t.close(this.currentTest?.state === 'failed');
    });

    it('the worker builds AIIB23\'s surface and segment table after preparation, before any view', async () => {
      // first test of this block: no request has built them yet
      const table = await waitFor('the AIIB23 branch table', () => readArtefact(t.deps.storage, artefactKeys.goldBranches(goldId, 'aiib23')));
      assert.deepEqual(JSON.parse(gunzipSync(table).toString('utf8')), aiibBranchTable(gold));
      assert.ok(await readArtefact(t.deps.storage, artefactKeys.goldSurface(goldId, 'aiib23')));
    });

    it('lists the AIIB23 segments with their ratios and AIIB23\'s detected flags', async () => {
      const reply = await get(`/api/evaluations/${evaluationId}/viewer`);
      assert.equal(reply.status, 200, reply.body.toString());
      const view = JSON.parse(reply.body.toString('utf8'));
      const metrics = (await t.db.query('select metrics from evaluations where id = $1', [evaluationId])).rows[0].metrics;
      const aiib = metrics.aiib23;
      assert.equal(view.branchRule, 'aiib23');
      assert.equal(view.branches.length, 4);
      assert.equal(aiib.branches_total, 4);
      assert.equal(metrics.branches_total, 3, 'ATM\'22, scored too, has three');
      const table = aiibBranchTable(gold);
      view.branches.forEach((b: Record<string, unknown>, n: number) => {
        assert.equal(b.id, n + 1);
        assert.equal(b.generation, null);
        assert.equal(b.parent, null);
        assert.equal(b.trachea, false);
        assert.equal(b.skeletonVoxels, table.skeletonVoxels[n + 1]);
        assert.equal(b.skeletonInPred, aiib.branch_skeleton_in_pred[n]);
        assert.equal(b.fraction, aiib.branch_skeleton_in_pred[n] / table.skeletonVoxels[n + 1]);
        assert.equal(b.detected, (b.fraction as number) >= 0.8, `segment ${n + 1}: the 0.8 rule`);
        assert.equal(b.detected, aiib.branch_detected[n] === 1);
      });
      const parsing = unrefinedParsing(gold);
      const upper = parsing[cropIndex(gold, ...UPPER_RIGHT)];
      const lower = parsing[cropIndex(gold, ...LOWER_RIGHT)];
      assert.equal(view.branches[upper - 1].detected, true);
      assert.equal(view.branches[lower - 1].detected, false);
      assert.deepEqual(view.counts, {
        branchesTotal: 4,
        branchesDetected: aiib.branches_detected,
        missed: 4 - aiib.branches_detected,
        leakageVoxels: aiib.leakage_voxels,
        leakageComponents: aiib.leakage_components,
      });
      assert.equal(view.metrics.aiib23.branch_detected, undefined, 'per-branch arrays are in branches');
    });

    it('sends the gold surface labelled by the four segments', async () => {
      const reply = await get(`/api/evaluations/${evaluationId}/viewer/gold-surface`);
      assert.equal(reply.status, 200);
      const { header, mesh } = decodeMesh(reply.headers.get('content-encoding') === 'gzip' ? gunzipSync(reply.body) : reply.body);
      assert.equal(header.hasBranchLabels, true);
      assert.deepEqual([...new Set(mesh.labels)].sort(), [1, 2, 3, 4]);
    });

    it('the case viewer shows the same segments, unscored', async () => {
      const reply = await get(`/api/cases/${caseId}/viewer`);
      assert.equal(reply.status, 200, reply.body.toString());
      const view = JSON.parse(reply.body.toString('utf8'));
      assert.equal(view.branchRule, 'aiib23');
      assert.deepEqual(view.counts, { branchesTotal: 4 });
      assert.deepEqual(view.branches.map((b: { generation: number | null }) => b.generation), [null, null, null, null]);
    });

    it('the phase\'s first suite decides: with atm22 first the refined branches come back', async () => {
      await t.db.query(`update phases set metric_suites = '{atm22,aiib23}' where id = (select phase_id from cases where id = $1)`, [caseId]);
      const view = JSON.parse((await get(`/api/evaluations/${evaluationId}/viewer`)).body.toString('utf8'));
      assert.equal(view.branchRule, 'atm22');
      assert.equal(view.branches.length, 3);
      const { mesh } = decodeMesh((await get(`/api/evaluations/${evaluationId}/viewer/gold-surface`)).body);
      assert.deepEqual([...new Set(mesh.labels)].sort(), [1, 2, 3]);
    });
  });
});
