/**
 * The AIIB23 suite on small volumes whose answers follow from the shapes: the five figures from their counts,
 * the raw-label skeleton (a second gold component counts in DLR but belongs to no segment), the component
 * fallback and its two departures from the official code (SPEC §2), the empty prediction, and the physical
 * measures (leakage volume in mm³, leakage components).
 */
import assert from 'node:assert/strict';
import { prepareGold } from '../../evaluator/pipeline/prepare-gold.ts';
import type { PreparedGold } from '../../evaluator/pipeline/prepared-gold.ts';
import { decodePreparedGold, encodePreparedGold } from '../../evaluator/pipeline/prepared-gold-file.ts';
import { scoreSuites } from '../../evaluator/pipeline/score-prediction.ts';
import type { Aiib23Score } from '../../evaluator/pipeline/score-aiib23.ts';
import { cloneMask, countForeground, drawBox, drawTube, emptyMask, type MaskVolume, type Vec3 } from '../helpers/volumes.ts';

const SIZE: Vec3 = [40, 40, 60];
const SPACING: Vec3 = [0.5, 0.5, 2];
const VOXEL_MM3 = 0.5 * 0.5 * 2;

async function aiib(gold: PreparedGold, pred: MaskVolume): Promise<Aiib23Score> {
  return (await scoreSuites(gold, pred, ['aiib23'])).aiib23!;
}

describe('AIIB23 scoring on hand-made volumes', () => {
  let label: MaskVolume;
  let tube: MaskVolume;
  let gold: PreparedGold;
  const line: Array<[number, number, number]> = [];

  before(async () => {
    tube = emptyMask(SIZE, { spacing: SPACING });
    drawTube(tube, [20, 20, 4], [20, 20, 40], 3);
    label = cloneMask(tube);
    // a second gold component: a one-voxel-thin line of 7 voxels along z, far from the tube (its skeleton is itself)
    for (let z = 45; z < 52; z++) line.push([5, 5, z]);
    for (const [x, y, z] of line) label.data[x + SIZE[0] * (y + SIZE[1] * z)] = 1;
    gold = await prepareGold(label);
  });

  it('skeletonises the raw label: the second component adds its 7 voxels to S but to no segment', () => {
    assert.notEqual(gold.aiib.rawClass, null);
    assert.equal(gold.labelVoxels, countForeground(tube.data) + 7);
    assert.equal(gold.goldVoxels, countForeground(tube.data)); // M is the tube
    assert.equal(gold.aiib.skeletonIndex.length, gold.skeletonVoxels + 7);
    const inSegments = gold.aiib.segmentSkeletonVoxels.reduce((a, b) => a + b, 0);
    assert.equal(inSegments, gold.skeletonVoxels);
  });

  it('scores the tube alone: IoU, Precision and Leakage from T, N, I; DLR misses the 7 line voxels', async () => {
    const s = await aiib(gold, tube);
    const T = gold.labelVoxels;
    const N = countForeground(tube.data);
    assert.equal(s.gold_voxels, T);
    assert.equal(s.component_voxels, N);
    assert.equal(s.intersection, N);
    assert.equal(s.IoU, N / (T + N - N));
    assert.equal(s.Precision, 1);
    assert.equal(s.Leakage, 0);
    assert.equal(s.DLR, gold.skeletonVoxels / (gold.skeletonVoxels + 7));
    assert.equal(s.DBR, 1);
    assert.equal(s.branches_total, gold.segmentCount);
    assert.equal(s.aiib_fallback, false);
    assert.equal(s.leakage_volume_mm3, 0);
  });

  it('counts leakage against the raw label and normalises it by T; leakage volume and components', async () => {
    const pred = cloneMask(tube);
    const added = drawBox(pred, [24, 19, 10], [27, 21, 12]) + drawBox(pred, [13, 19, 30], [16, 21, 31]);
    const s = await aiib(gold, pred);
    assert.equal(s.leakage_voxels, added);
    assert.equal(s.Leakage, added / gold.labelVoxels);
    assert.equal(s.leakage_volume_mm3, added * VOXEL_MM3);
    assert.equal(s.leakage_components, 2);
  });

  it('falls back to the next-largest component when the largest has IoU < 0.1', async () => {
    const pred = cloneMask(tube);
    const blob = drawBox(pred, [0, 0, 50], [39, 39, 59]); // far larger than the tube, touches nothing of it
    assert.ok(blob > countForeground(tube.data));
    const s = await aiib(gold, pred);
    assert.equal(s.aiib_component, 2);
    assert.equal(s.aiib_fallback, false);
    assert.equal(s.component_voxels, countForeground(tube.data));
    assert.equal(s.pred_voxels, countForeground(pred.data));
  });

  it('keeps the next-largest and flags it when it is also below 0.1 (the official code would loop forever)', async () => {
    const pred = emptyMask(SIZE, { spacing: SPACING });
    drawBox(pred, [0, 0, 0], [9, 9, 9]);
    drawBox(pred, [30, 30, 0], [34, 34, 4]);
    const s = await aiib(gold, pred);
    assert.equal(s.aiib_component, 2);
    assert.equal(s.aiib_fallback, true);
    assert.equal(s.component_voxels, 125);
    assert.equal(s.Precision, 0);
    assert.equal(s.Leakage, 125 / gold.labelVoxels);
  });

  it('keeps a single component below 0.1 and flags it (the official code stops with an IndexError)', async () => {
    const pred = emptyMask(SIZE, { spacing: SPACING });
    drawBox(pred, [0, 0, 0], [3, 3, 3]);
    const s = await aiib(gold, pred);
    assert.equal(s.aiib_component, 1);
    assert.equal(s.aiib_fallback, true);
    assert.ok(s.IoU < 1e-30);
    assert.equal(s.DLR, 0);
    assert.equal(s.DBR, 0);
  });

  it('scores an empty prediction 0 on every figure, flagged empty', async () => {
    const s = await aiib(gold, emptyMask(SIZE, { spacing: SPACING }));
    assert.deepEqual([s.IoU, s.DLR, s.DBR, s.Precision, s.Leakage], [0, 0, 0, 0, 0]);
    assert.equal(s.empty, true);
    assert.equal(s.aiib_fallback, false);
  });

  it('shares the ATM\'22 arrays when the raw label equals M, and survives encoding either way', async () => {
    const clean = await prepareGold(tube);
    assert.equal(clean.aiib.rawClass, null);
    assert.deepEqual(clean.aiib.skeletonIndex, clean.skeletonIndex);
    for (const g of [clean, gold]) {
      const decoded = decodePreparedGold(encodePreparedGold(g));
      assert.deepEqual(decoded.aiib, g.aiib);
      assert.deepEqual(await aiib(decoded, tube), await aiib(g, tube));
    }
  });

  it('refuses a prepared gold standard of format version 1, so old caches are prepared again', () => {
    const bytes = encodePreparedGold(gold);
    bytes.writeUInt32LE(1, 8);
    assert.throws(() => decodePreparedGold(bytes), (e: Error & { code?: string }) => e.code === 'BAD_PREPARED_GOLD' && /version 1/.test(e.message));
  });
});

describe('physical measures in both suites', () => {
  it('a straight tube along z: its skeleton is a line, (|S| − 1) · s_z mm long, and a prediction of the tube detects all of it', async () => {
    const tube = emptyMask(SIZE, { spacing: SPACING });
    drawTube(tube, [20, 20, 4], [20, 20, 40], 3);
    const gold = await prepareGold(tube);
    const { atm22, aiib23 } = await scoreSuites(gold, tube, ['atm22', 'aiib23']);
    const expected = (gold.skeletonVoxels - 1) * SPACING[2];
    assert.equal(atm22!.centreline_length_mm, expected);
    assert.equal(atm22!.centreline_detected_mm, expected);
    assert.equal(aiib23!.centreline_length_mm, expected);
    // cut the prediction at z = 22: the detected part is the steps below the cut
    const half = cloneMask(tube);
    drawBox(half, [0, 0, 22], [39, 39, 59], 0);
    const cut = (await scoreSuites(gold, half, ['atm22'])).atm22!;
    assert.equal(cut.centreline_detected_mm, (cut.skeleton_in_pred - 1) * SPACING[2]);
    assert.ok(cut.centreline_detected_mm < expected);
    assert.equal(cut.leakage_volume_mm3, 0);
  });
});
