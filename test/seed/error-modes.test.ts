/**
 * Each simulated error mode moves the evaluator's metrics the way it does for real methods, and the named team
 * profiles rank as a person would expect. Scored with the evaluator itself (prepareGold + scorePrediction) on a
 * default-size phantom.
 */
import assert from 'node:assert/strict';
import { prepareGold, scorePrediction, type CaseScore, type PreparedGold } from '../../evaluator/index.ts';
import { generatePhantom, type Phantom } from '../../seed/phantom/generate-phantom.ts';
import { phantomOptions } from '../../seed/phantom/phantom-options.ts';
import { simulatePrediction, type PredictionErrors } from '../../seed/predictions/simulate-prediction.ts';
import { PROFILE_NAMES, TEAM_PROFILES } from '../../seed/predictions/team-profiles.ts';

describe('seed: simulated prediction error modes', function () {
  this.timeout(60_000);
  let phantom: Phantom;
  let gold: PreparedGold;
  const score = async (errors: PredictionErrors, variant = 'test'): Promise<CaseScore> =>
    scorePrediction(gold, { ...phantom.geometry, componentType: 'uint8', data: simulatePrediction(phantom, errors, variant).mask });

  before(async () => {
    phantom = generatePhantom(phantomOptions({ seed: 5 }));
    gold = await prepareGold({ ...phantom.geometry, componentType: 'uint8', data: phantom.label });
  });

  it('no errors: the gold standard itself, all 100', async () => {
    const s = await score({});
    assert.deepEqual([s.TD, s.BD, s.DSC, s.Precision], [100, 100, 100, 100]);
  });

  it('missed branches: more misses, lower tree length and branch detection; precision untouched', async () => {
    const few = await score({ missed: { fromGeneration: 4, probability: 0.15 } });
    const many = await score({ missed: { fromGeneration: 4, probability: 0.5 } });
    const earlier = await score({ missed: { fromGeneration: 2, probability: 0.5 } });
    assert.ok(few.TD < 100 && few.BD < 100);
    assert.ok(many.TD < few.TD && many.BD < few.BD, `TD ${few.TD} → ${many.TD}, BD ${few.BD} → ${many.BD}`);
    assert.ok(earlier.TD < many.TD, 'missing from an earlier generation loses more');
    assert.equal(many.Precision, 100);
    assert.equal(many.outside_lcc_voxels, 0, 'a missed branch leaves no pieces behind');
  });

  it('broken branches: the part beyond a gap is segmented but dropped by the largest-component rule', async () => {
    const s = await score({ broken: { fromGeneration: 3, probability: 0.25 } });
    assert.ok(s.outside_lcc_voxels > 0, 'the distal pieces are outside the largest component');
    assert.ok(s.pred_voxels > s.pred_lcc_voxels);
    assert.ok(s.TD < 95 && s.BD < 95, `TD ${s.TD}, BD ${s.BD}`);
    assert.equal(s.Precision, 100);
  });

  it('leakage: blobs attached to the tree lower precision, more of them lower it more; detection untouched', async () => {
    const some = await score({ leakage: { fromGeneration: 4, count: 2, radiusMm: 4 } });
    const more = await score({ leakage: { fromGeneration: 4, count: 8, radiusMm: 4 } });
    assert.ok(some.Precision < 100 && more.Precision < some.Precision, `precision ${some.Precision} → ${more.Precision}`);
    assert.equal(more.TD, 100);
    assert.equal(more.BD, 100);
    assert.ok(more.leakage_components >= 1 && more.leakage_voxels > some.leakage_voxels);
    assert.equal(more.outside_lcc_voxels, 0, 'leaks are attached, not islands');
  });

  it('boundary: erosion lowers Dice and sensitivity (precision stays), dilation lowers precision (detection stays)', async () => {
    const eroded = await score({ boundary: { voxels: -1, fraction: 0.5 } });
    assert.ok(eroded.DSC < 100 && eroded.Sensitivity < 100);
    assert.equal(eroded.Precision, 100);
    const thicker = await score({ boundary: { voxels: 1, fraction: 0.5 } });
    const thickest = await score({ boundary: { voxels: 1 } });
    assert.ok(thickest.Precision < thicker.Precision && thicker.Precision < 100);
    assert.ok(thickest.DSC < thicker.DSC);
    assert.equal(thickest.TD, 100);
  });

  it('islands: counted in the prediction, then dropped by the largest-component rule without touching the metrics', async () => {
    const s = await score({ islands: { count: 6, radiusMm: 3 } });
    assert.ok(s.outside_lcc_voxels > 50, `${s.outside_lcc_voxels} voxels in islands`);
    assert.deepEqual([s.TD, s.BD, s.DSC, s.Precision], [100, 100, 100, 100]);
  });

  it('is deterministic for a variant, and differs between variants', () => {
    const errors = TEAM_PROFILES.fair.errors;
    const a = simulatePrediction(phantom, errors, 'team-a').mask;
    assert.ok(Buffer.from(a).equals(Buffer.from(simulatePrediction(phantom, errors, 'team-a').mask)));
    assert.ok(!Buffer.from(a).equals(Buffer.from(simulatePrediction(phantom, errors, 'team-b').mask)));
  });

  it('team profiles rank from excellent to poor; the leaky one finds most but has the lowest precision', async () => {
    const scores = Object.fromEntries(await Promise.all(PROFILE_NAMES.map(async (name) => [name, await score(TEAM_PROFILES[name].errors, name)] as const)));
    const order = ['excellent', 'good', 'fair', 'poor'] as const;
    for (let i = 1; i < order.length; i++) {
      const better = scores[order[i - 1]];
      const worse = scores[order[i]];
      assert.ok(better.TD > worse.TD && better.BD > worse.BD, `${order[i - 1]} (TD ${better.TD}, BD ${better.BD}) vs ${order[i]} (TD ${worse.TD}, BD ${worse.BD})`);
    }
    assert.ok(scores.excellent.TD >= 85, `excellent TD ${scores.excellent.TD}`);
    assert.ok(scores.leaky.TD > scores.good.TD);
    for (const name of PROFILE_NAMES) if (name !== 'leaky') assert.ok(scores.leaky.Precision < scores[name].Precision);
  });
});
