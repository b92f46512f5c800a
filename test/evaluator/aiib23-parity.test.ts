/**
 * @slow Parity with the official AIIB23 scoring code: every line of ../shared/aiib23/expected.jsonl, the five
 * figures equal bit for bit (float64 ===), read in place from ../shared/atm22/cases; the prepared gold standard
 * scores the same after encoding; scoring both suites at once changes neither suite's figures.
 */
import assert from 'node:assert/strict';
import {
  AIIB23_METRIC_KEYS,
  decodePreparedGold,
  encodePreparedGold,
  prepareGold,
  readVolume,
  scorePrediction,
  scoreSuites,
  type PreparedGold,
} from '../../evaluator/index.ts';
import { aiibExpected, referencePath } from '../helpers/reference-cases.ts';

describe('parity with the official AIIB23 scoring @slow', function () {
  this.timeout(300_000);
  const expected = aiibExpected();
  const golds = [...new Set(expected.map((e) => e.gold))];
  const prepared = new Map<string, PreparedGold>();

  before(async () => {
    for (const gold of golds) prepared.set(gold, await prepareGold(await readVolume(referencePath(gold))));
  });

  it('reads every line of expected.jsonl (ten pairs over two gold standards)', () => {
    assert.equal(expected.length, 10);
    assert.equal(golds.length, 2);
  });

  it('knows why these cases matter: their raw labels have several components, so S differs from S_M', () => {
    for (const gold of golds) {
      const p = prepared.get(gold)!;
      assert.notEqual(p.aiib.rawClass, null, gold);
      assert.ok(p.labelVoxels > p.goldVoxels || p.aiib.skeletonIndex.length !== p.skeletonVoxels, gold);
    }
  });

  for (const line of expected) {
    it(`${line.pred}: IoU, DLR, DBR, Precision, Leakage equal the official float64 values`, async () => {
      const { aiib23 } = await scoreSuites(prepared.get(line.gold)!, await readVolume(referencePath(line.pred)), ['aiib23']);
      for (const key of AIIB23_METRIC_KEYS) assert.ok(Object.is(aiib23![key], line[key]), `${line.pred} ${key}: ${aiib23![key]} !== ${line[key]}`);
      assert.equal(aiib23!.aiib_fallback, false);
      assert.equal(aiib23!.aiib_component, 1);
      // the counts behind each ratio give it back
      assert.equal(aiib23!.DLR, aiib23!.skeleton_in_pred / aiib23!.skeleton_voxels);
      assert.equal(aiib23!.DBR, aiib23!.branches_detected / aiib23!.branches_total);
      assert.equal(aiib23!.Precision, aiib23!.intersection / aiib23!.component_voxels);
    });
  }

  it('scores the same from the encoded prepared gold standard, and both suites at once equal each alone', async () => {
    const line = expected[0];
    const gold = prepared.get(line.gold)!;
    const decoded = decodePreparedGold(encodePreparedGold(gold));
    assert.deepEqual(decoded.aiib.skeletonSegment, gold.aiib.skeletonSegment);
    assert.deepEqual(decoded.aiib.segmentSkeletonVoxels, gold.aiib.segmentSkeletonVoxels);
    const prediction = await readVolume(referencePath(line.pred));
    const both = await scoreSuites(decoded, prediction, ['atm22', 'aiib23']);
    const alone = await scoreSuites(gold, prediction, ['aiib23']);
    assert.deepEqual(both.aiib23, alone.aiib23);
    const { timings: _a, ...atmBoth } = both.atm22!;
    const { timings: _b, ...atmAlone } = await scorePrediction(gold, prediction);
    assert.deepEqual(atmBoth, atmAlone);
  });
});
