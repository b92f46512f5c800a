/**
 * The default-size phantom (192×192×160 at 1.5 mm, seed 2), checked from its tree JSON and its label the way an
 * anatomist and the evaluator would: one connected airway, enough generations, diameters and angles from the
 * flow-sharing rules, a 16-18 mm trachea of 100-120 mm at the top, and airways that stay inside the lungs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareGold, readVolume, scorePrediction, type PreparedGold } from '../../evaluator/index.ts';
import { generatePhantom, type Phantom } from '../../seed/phantom/generate-phantom.ts';
import { daughters } from '../../seed/phantom/kitaoka-rules.ts';
import { phantomOptions } from '../../seed/phantom/phantom-options.ts';
import { TISSUE } from '../../seed/phantom/tissues.ts';
import type { BranchRecord, TreeDocument } from '../../seed/phantom/tree-document.ts';
import { writePhantom } from '../../seed/phantom/write-phantom.ts';

describe('seed: phantom anatomy at the default size', function () {
  this.timeout(60_000);
  let phantom: Phantom;
  let tree: TreeDocument;
  let byId: Map<number, BranchRecord>;
  let prepared: PreparedGold;
  let dir: string;

  before(async () => {
    phantom = generatePhantom(phantomOptions({ seed: 2 }));
    dir = mkdtempSync(join(tmpdir(), 'carina-phantom-'));
    const files = await writePhantom(phantom, dir, 'anatomy', { ct: false });
    tree = JSON.parse(readFileSync(files.tree, 'utf8'));
    byId = new Map(tree.branches.map((b) => [b.id, b]));
    prepared = await prepareGold(await readVolume(files.gold));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has the documented default grid, centred on the origin, with an identity direction', () => {
    assert.deepEqual([...tree.geometry.size], [192, 192, 160]);
    assert.deepEqual([...tree.geometry.spacing], [1.5, 1.5, 1.5]);
    assert.deepEqual([...tree.geometry.origin], [-143.25, -143.25, -119.25]);
    assert.deepEqual([...tree.geometry.direction], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('the gold standard is one 6-connected component (the evaluator keeps all of it)', async () => {
    const score = await scorePrediction(prepared, { ...phantom.geometry, componentType: 'uint8', data: phantom.label });
    assert.equal(score.outside_lcc_voxels, 0);
    assert.equal(score.pred_lcc_voxels, score.pred_voxels);
    assert.equal(prepared.labelVoxels, phantom.label.reduce((n, v) => n + v, 0));
    assert.equal(score.TD, 100);
    assert.equal(score.BD, 100);
  });

  it('reaches generation 8 and beyond, in the tree and in the evaluator\'s own parsing of the label', () => {
    assert.ok(tree.maxGeneration >= 8, `tree reaches generation ${tree.maxGeneration}`);
    const counts = new Map<number, number>();
    for (const b of tree.branches) counts.set(b.generation, (counts.get(b.generation) ?? 0) + 1);
    for (let g = 0; g <= 8; g++) assert.ok((counts.get(g) ?? 0) > 0, `no branch of generation ${g}`);
    assert.ok(tree.branchCount >= 150, `${tree.branchCount} branches`);
    const evaluatorGenerations = Math.max(...prepared.branches.generation);
    assert.ok(evaluatorGenerations >= 7, `the evaluator parses ${evaluatorGenerations} generations`);
    assert.ok(prepared.branches.officialCount >= 60, `the evaluator counts ${prepared.branches.officialCount} branches`);
  });

  it('starts with a 16-18 mm trachea of 100-120 mm that reaches the top slice, and two main bronchi', () => {
    const trachea = tree.branches[0];
    assert.equal(trachea.generation, 0);
    assert.equal(trachea.parent, null);
    assert.ok(trachea.diameter >= 16 && trachea.diameter <= 18, `trachea ${trachea.diameter} mm`);
    assert.ok(trachea.length >= 100 && trachea.length <= 120, `trachea ${trachea.length} mm long`);
    const top = tree.geometry.origin[2] + (tree.geometry.size[2] - 1) * tree.geometry.spacing[2];
    assert.ok(Math.abs(trachea.start[2] - top) < 1e-6);
    assert.ok(trachea.end[2] < trachea.start[2]);
    const [nx, ny, nz] = phantom.geometry.size;
    const topSlice = phantom.label.subarray(nx * ny * (nz - 1));
    assert.ok(topSlice.reduce((n, v) => n + v, 0) > 50, 'the trachea is cut by the top slice');
    assert.deepEqual(trachea.children.map((id) => byId.get(id)!.lung).sort(), ['left', 'right']);
  });

  it('shares diameters by Murray\'s law (d0³ = d1³ + d2³) and every daughter is thinner than its parent', () => {
    let splits = 0;
    for (const parent of tree.branches) {
      if (parent.children.length !== 2) continue;
      splits++;
      const [a, b] = parent.children.map((id) => byId.get(id)!);
      const sum = a.diameter ** 3 + b.diameter ** 3;
      assert.ok(Math.abs(sum - parent.diameter ** 3) / parent.diameter ** 3 < 0.005, `branch ${parent.id}: ${sum} vs ${parent.diameter ** 3}`);
      for (const child of [a, b]) {
        assert.ok(child.diameter < parent.diameter, `branch ${child.id} is not thinner than ${parent.id}`);
        assert.ok(child.diameter >= tree.model.minDiameterMm - 1e-3, `branch ${child.id} below the minimum diameter`);
      }
    }
    assert.ok(splits >= 0.45 * tree.branchCount, `${splits} bifurcations`);
    // the flow (volume supplied) is shared the same way: each daughter's share follows from its diameter
    const flowsMatch = tree.branches.filter((b) => b.generation >= 2).every((b) => {
      const parent = byId.get(b.parent!)!;
      const sibling = byId.get(parent.children.find((id) => id !== b.id) ?? -1);
      if (!sibling) return true;
      const r = b.flowShare / (b.flowShare + sibling.flowShare);
      return Math.abs(parent.diameter * Math.cbrt(r) - b.diameter) < 0.01;
    });
    assert.ok(flowsMatch, 'daughter diameters follow the shares of the lung volume they supply');
  });

  it('turns daughters by the optimal branching angles for their flow ratio (most of them exactly)', () => {
    let checked = 0;
    let exact = 0;
    for (const parent of tree.branches) {
      if (parent.children.length !== 2 || parent.generation < 1) continue;
      const [a, b] = parent.children.map((id) => byId.get(id)!);
      const r = Math.min(a.flowShare, b.flowShare) / (a.flowShare + b.flowShare);
      const rule = daughters(parent.diameter, r);
      for (const child of [a, b]) {
        const expected = ((child.flowShare <= Math.min(a.flowShare, b.flowShare) ? rule.minorAngle : rule.majorAngle) * 180) / Math.PI;
        checked++;
        if (Math.abs(expected - child.branchingAngle) < 0.05) exact++;
      }
    }
    assert.ok(exact >= 0.75 * checked, `${exact} of ${checked} daughters at the rule's angle`);
  });

  it('makes branches about three diameters long', () => {
    const ratios = tree.branches.filter((b) => b.generation >= 2).map((b) => b.length / b.diameter).sort((x, y) => x - y);
    const median = ratios[Math.floor(ratios.length / 2)];
    assert.ok(median >= 2.5 && median <= 4, `median length/diameter ${median}`);
  });

  it('keeps every airway inside the thorax, and every branch beyond the lobar bronchi inside the lungs', () => {
    const [nx, ny, nz] = phantom.geometry.size;
    const [sx, sy, sz] = phantom.geometry.spacing;
    let distal = 0;
    for (let z = 0, v = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++, v++) {
          if (!phantom.label[v]) continue;
          const tissue = phantom.thorax.tissueAt(x * sx, y * sy, z * sz);
          assert.ok(tissue === TISSUE.lung || tissue === TISSUE.softTissue, `airway voxel (${x}, ${y}, ${z}) in tissue ${tissue}`);
          const branch = byId.get(phantom.owner[v])!;
          if (branch.generation < 3) continue;
          distal++;
          assert.ok(phantom.thorax.lungSideAt(x * sx, y * sy, z * sz) === branch.lung, `voxel (${x}, ${y}, ${z}) of branch ${branch.id} outside the ${branch.lung} lung`);
        }
      }
    }
    assert.ok(distal > 5000, `${distal} voxels beyond the lobar bronchi`);
  });
});
