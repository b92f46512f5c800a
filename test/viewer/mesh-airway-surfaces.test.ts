import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { foregroundRuns, largestComponentRuns, leakageRuns, prepareGold, type PreparedGold, type Shape3 } from '../../evaluator/index.ts';
import { goldSurface, leakageSurface } from '../../server/viewer/mesh/airway-surfaces.ts';
import { bounds, isClosedModTwo, signedVolume } from '../helpers/mesh-checks.ts';
import { cloneMask, drawBall, drawTube, emptyMask, type MaskVolume } from '../helpers/volumes.ts';

const GEOMETRY = { spacing: [0.7, 0.7, 0.8] as const, origin: [-20, 10, -100] as const };

/** A Y-shaped airway: a trachea along z splitting into two main bronchi. */
function airway(): MaskVolume {
  const mask = emptyMask([32, 24, 40], GEOMETRY);
  drawTube(mask, [16, 12, 36], [16, 12, 20], 3);
  drawTube(mask, [16, 12, 20], [8, 12, 6], 2);
  drawTube(mask, [16, 12, 20], [24, 12, 6], 2);
  return mask;
}

function lccOf(mask: MaskVolume) {
  const shape: Shape3 = [mask.size[2], mask.size[1], mask.size[0]];
  return largestComponentRuns(foregroundRuns(mask.data, shape), shape);
}

describe('airway surfaces', () => {
  let gold: PreparedGold;
  before(async () => {
    gold = await prepareGold(airway());
  });

  it('gold surface: closed, in the scan\'s millimetres, every vertex labelled with an existing branch', async () => {
    const { mesh, extractedTriangles, timings } = await goldSurface(gold);
    assert.deepEqual(timings.map((t) => t.stage), ['extract', 'smooth', 'decimate', 'place']);
    assert.ok(mesh.labels);
    assert.ok(mesh.triangles.length / 3 <= Math.ceil(extractedTriangles / 4));
    assert.ok(isClosedModTwo(mesh));
    assert.ok(signedVolume(mesh) > 0);
    const box = bounds(mesh);
    for (let c = 0; c < 3; c++) {
      const lo = GEOMETRY.origin[c] - GEOMETRY.spacing[c] / 2;
      const hi = GEOMETRY.origin[c] + (gold.geometry.size[c] - 0.5) * GEOMETRY.spacing[c];
      assert.ok(box.min[c] >= lo && box.max[c] <= hi, `axis ${c}: ${box.min[c]}..${box.max[c]} outside ${lo}..${hi}`);
    }
    const used = new Set(mesh.labels);
    assert.ok(!used.has(0), 'no vertex without a branch');
    for (const label of used) assert.ok(label >= 1 && label <= gold.branches.count);
    assert.ok(used.size >= 3, `${used.size} branches on the surface`);
  });

  it('leakage: the part of the largest component outside G, nothing when the prediction stays inside', async () => {
    const inside = cloneMask(airway());
    const none = await leakageSurface(gold, lccOf(inside));
    assert.equal(none.mesh.triangles.length, 0);
    const leaking = cloneMask(airway());
    drawBall(leaking, [16, 17, 28], 3); // a blob bulging out of the trachea
    drawBall(leaking, [3, 3, 3], 1); // a separate speck: not in the largest component
    const lcc = lccOf(leaking);
    const leak = leakageRuns(gold, lcc);
    assert.ok(leak.voxels > 0);
    const { mesh } = await leakageSurface(gold, lcc);
    assert.equal(mesh.labels, undefined);
    assert.ok(isClosedModTwo(mesh));
    // all of it near the blob (voxel y 14..20, z 25..31), none near the speck
    const box = bounds(mesh);
    const y = (v: number) => GEOMETRY.origin[1] + v * GEOMETRY.spacing[1];
    const z = (v: number) => GEOMETRY.origin[2] + v * GEOMETRY.spacing[2];
    assert.ok(box.min[1] >= y(13) && box.max[1] <= y(21), `y ${box.min[1]}..${box.max[1]}`);
    assert.ok(box.min[2] >= z(24) && box.max[2] <= z(32), `z ${box.min[2]}..${box.max[2]}`);
  });
});
