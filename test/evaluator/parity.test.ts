/**
 * @slow Parity with the official ATM'22 evaluation on real full-size masks: every pair of
 * ../shared/atm22/cases/expected.json, every key equal (rounded metrics to the last digit, counts exactly).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  decodePreparedGold,
  encodePreparedGold,
  prepareGold,
  readVolume,
  scorePrediction,
  type PreparedGold,
} from '../../evaluator/index.ts';
import { OFFICIAL_KEYS } from '../../evaluator/cli.ts';
import { expectedPairs, referencePath } from '../helpers/reference-cases.ts';
import { CARINA_BIN, compiledCli } from '../helpers/compiled-cli.ts';

const pairs = expectedPairs();
const cases = [...new Set(pairs.map((p) => p.case))];

describe('parity with the official ATM\'22 evaluation @slow', function () {
  this.timeout(300_000);
  const prepared = new Map<string, PreparedGold>();

  before(async () => {
    for (const name of cases) {
      const gold = pairs.find((p) => p.case === name)!.gold;
      prepared.set(name, await prepareGold(await readVolume(referencePath(gold))));
    }
  });

  it('covers all ten public pairs', () => {
    assert.equal(pairs.length, 10);
    assert.deepEqual(cases.sort(), ['ATM_305', 'ATM_307']);
  });

  for (const pair of pairs) {
    it(`${pair.pred} equals the official output on every key`, async () => {
      const score = await scorePrediction(prepared.get(pair.case)!, await readVolume(referencePath(pair.pred)));
      for (const key of OFFICIAL_KEYS) {
        assert.equal(score[key], pair[key], `${pair.pred}: ${key}`);
      }
    });
  }

  it('gives identical scores from the encoded prepared gold standard', async () => {
    const name = cases[0];
    const decoded = decodePreparedGold(encodePreparedGold(prepared.get(name)!));
    const pair = pairs.find((p) => p.case === name)!;
    const prediction = await readVolume(referencePath(pair.pred));
    const direct = await scorePrediction(prepared.get(name)!, prediction);
    const fromFile = await scorePrediction(decoded, prediction);
    const strip = ({ timings: _t, ...rest }: typeof direct) => rest;
    assert.deepEqual(strip(fromFile), strip(direct));
  });

  it('the carina CLI prepares once and prints one JSON line per prediction with the official values', async () => {
    const out = mkdtempSync(join(tmpdir(), 'carina-cli-'));
    try {
      await compiledCli();
      const bin = CARINA_BIN;
      const name = cases[1];
      const mine = pairs.filter((p) => p.case === name);
      await promisify(execFile)(process.execPath, [bin, 'prepare', '--gt', referencePath(mine[0].gold), '--out', out]);
      const args = ['evaluate', '--prepared', out, ...mine.flatMap((p) => ['--pred', referencePath(p.pred)])];
      const { stdout } = await promisify(execFile)(process.execPath, [bin, ...args], { maxBuffer: 64 << 20 });
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(lines.length, mine.length);
      lines.forEach((line, n) => {
        for (const key of OFFICIAL_KEYS) assert.equal(line[key], mine[n][key], `${mine[n].pred}: ${key}`);
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
