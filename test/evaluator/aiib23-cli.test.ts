/**
 * @slow `carina evaluate --suite …` through the compiled CLI (bin/carina.mjs on dist/cli/): AIIB23 lines whose
 * first keys are exactly IoU, DLR, DBR, Precision, Leakage and whose values equal expected.jsonl bit for bit;
 * both suites in one line; an unknown suite refused with exit code 2.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { aiibExpected, expectedPairs, referencePath } from '../helpers/reference-cases.ts';
import { CARINA_BIN, compiledCli } from '../helpers/compiled-cli.ts';

const run = promisify(execFile);
const FIVE = ['IoU', 'DLR', 'DBR', 'Precision', 'Leakage'];

describe('carina evaluate --suite (compiled CLI) @slow', function () {
  this.timeout(300_000);
  const expected = aiibExpected();
  const gold = expected[expected.length - 1].gold;
  const mine = expected.filter((e) => e.gold === gold);
  let out: string;

  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'carina-aiib-cli-'));
    await compiledCli();
    await run(process.execPath, [CARINA_BIN, 'prepare', '--gt', referencePath(gold), '--out', out]);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  const evaluate = async (...args: string[]) => {
    const preds = mine.flatMap((e) => ['--pred', referencePath(e.pred)]);
    const { stdout } = await run(process.execPath, [CARINA_BIN, 'evaluate', '--prepared', out, ...preds, ...args], { maxBuffer: 64 << 20 });
    return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  };

  it('--suite aiib23: one line per prediction, the five figures first and bit for bit, then the extras', async () => {
    const lines = await evaluate('--suite', 'aiib23');
    assert.equal(lines.length, mine.length);
    lines.forEach((line, n) => {
      assert.deepEqual(Object.keys(line).slice(0, 5), FIVE);
      for (const key of FIVE) assert.ok(Object.is(line[key], (mine[n] as any)[key]), `${mine[n].pred} ${key}: ${line[key]}`);
      for (const key of ['gold_voxels', 'component_voxels', 'intersection', 'skeleton_voxels', 'skeleton_in_pred', 'branches_total', 'branches_detected']) {
        assert.equal(typeof line[key], 'number', key);
      }
      assert.equal(line.aiib_fallback, false);
      assert.equal(line.empty, false);
      assert.equal(line.branch_detected.length, line.branches_total);
      assert.equal(line.branch_detected.reduce((a: number, b: number) => a + b, 0), line.branches_detected);
      assert.equal(line.pred, referencePath(mine[n].pred));
    });
  });

  it('--suite atm22,aiib23: the ATM\'22 line as before, the AIIB23 record under "aiib23"', async () => {
    const atm = expectedPairs().filter((p) => p.gold === gold);
    const lines = await evaluate('--suite', 'atm22,aiib23');
    lines.forEach((line, n) => {
      assert.deepEqual(Object.keys(line).slice(0, 3), ['pred', 'TD', 'BD']);
      assert.equal(line.TD, atm[n].TD);
      assert.equal(line.BD, atm[n].BD);
      assert.deepEqual(Object.keys(line.aiib23).slice(0, 5), FIVE);
      for (const key of FIVE) assert.ok(Object.is(line.aiib23[key], (mine[n] as any)[key]), key);
    });
  });

  it('refuses an unknown suite with a one-line reason and exit code 2', async () => {
    await assert.rejects(evaluate('--suite', 'atm22,brats'), (error: any) => error.code === 2 && /unknown suite "brats"/.test(error.stderr));
  });
});
