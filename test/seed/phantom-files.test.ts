/**
 * Phantom files: the same seed writes byte-identical files (CT, gold standard, tree, predictions), another seed
 * different ones; `carina phantom` writes them where asked and refuses bad arguments with a reason. A small grid
 * (96×96×80 at 3 mm, the default field of view) keeps this quick.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvaluatorError, readVolume } from '../../evaluator/index.ts';
import { generatePhantom } from '../../seed/phantom/generate-phantom.ts';
import { phantomOptions, type PhantomOptions } from '../../seed/phantom/phantom-options.ts';
import { writeLabel, writePhantom, type PhantomFiles } from '../../seed/phantom/write-phantom.ts';
import { phantomCommand } from '../../seed/phantom-command.ts';
import { simulatePrediction } from '../../seed/predictions/simulate-prediction.ts';
import { TEAM_PROFILES } from '../../seed/predictions/team-profiles.ts';

const small = (seed: number): PhantomOptions => phantomOptions({ seed, size: [96, 96, 80], spacing: [3, 3, 3] });

async function writeAll(seed: number, dir: string): Promise<PhantomFiles & { prediction: string }> {
  const phantom = generatePhantom(small(seed));
  const files = await writePhantom(phantom, dir, 'case');
  const prediction = join(dir, 'case_pred_fair.nii.gz');
  await writeLabel(prediction, phantom, simulatePrediction(phantom, TEAM_PROFILES.fair.errors, 'fair').mask);
  return { ...files, prediction };
}

const bytes = (path: string) => readFileSync(path);

async function captureStdout(work: () => Promise<unknown>): Promise<string> {
  const original = process.stdout.write.bind(process.stdout);
  let text = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await work();
  } finally {
    process.stdout.write = original;
  }
  return text;
}

describe('seed: phantom files', function () {
  this.timeout(60_000);
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'carina-phantom-files-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('the same seed gives byte-identical files; another seed gives different ones', async () => {
    const first = await writeAll(11, join(root, 'a'));
    const again = await writeAll(11, join(root, 'b'));
    const other = await writeAll(12, join(root, 'c'));
    for (const key of ['ct', 'gold', 'tree', 'prediction'] as const) {
      assert.ok(bytes(first[key]).equals(bytes(again[key])), `${key} differs between two runs of seed 11`);
      assert.ok(!bytes(first[key]).equals(bytes(other[key])), `${key} is the same for seeds 11 and 12`);
    }
  });

  it('writes an int16 CT and a uint8 gold standard on one grid, and a tree in LPS millimetres', async () => {
    const files = await writeAll(5, join(root, 'types'));
    const ct = await readVolume(files.ct);
    const gold = await readVolume(files.gold);
    assert.equal(ct.componentType, 'int16');
    assert.equal(gold.componentType, 'uint8');
    assert.deepEqual([...ct.size], [96, 96, 80]);
    assert.deepEqual([...gold.size], [...ct.size]);
    assert.deepEqual([...gold.origin], [...ct.origin]);
    assert.deepEqual([...gold.spacing], [3, 3, 3]);
    assert.deepEqual(new Set(gold.data as Uint8Array), new Set([0, 1]));
    const tree = JSON.parse(readFileSync(files.tree, 'utf8'));
    assert.equal(tree.coordinates, 'LPS millimetres');
    assert.equal(tree.branches[0].id, 1);
    for (const key of ['id', 'parent', 'generation', 'radius', 'length', 'start', 'end']) assert.ok(key in tree.branches[1], `branch record lacks ${key}`);
    // the trachea's top lies on the top slice, in physical coordinates
    const topZ = ct.origin[2] + (ct.size[2] - 1) * ct.spacing[2];
    assert.ok(Math.abs(tree.branches[0].start[2] - topZ) < 1e-3);
  });

  it('carina phantom writes the files it names, predictions included', async () => {
    const out = join(root, 'cli');
    const stdout = await captureStdout(() =>
      phantomCommand(['--out', out, '--seed', '3', '--size', '96x96x80', '--spacing', '3', '--name', 'P3', '--predictions', 'good,poor', '--noise', '10']),
    );
    const line = JSON.parse(stdout.trim());
    assert.deepEqual(Object.keys(line.files).sort(), ['ct', 'gold', 'pred_good', 'pred_poor', 'tree']);
    assert.equal(line.files.gold, join(out, 'P3_gold.nii.gz'));
    for (const path of Object.values(line.files) as string[]) assert.ok(existsSync(path), `${path} missing`);
    assert.equal(line.seed, 3);
    assert.ok(line.branches > 10);
  });

  it('carina phantom refuses bad arguments, naming the problem', async () => {
    const refusal = async (args: string[]) => {
      try {
        await phantomCommand(args);
      } catch (error) {
        assert.ok(error instanceof EvaluatorError);
        assert.equal(error.code, 'BAD_ARGUMENTS');
        return error.message;
      }
      assert.fail(`accepted ${args.join(' ')}`);
    };
    assert.match(await refusal(['--seed', '1']), /--out DIR/);
    assert.match(await refusal(['--out', root, '--size', '64x64']), /size must be three integers/);
    assert.match(await refusal(['--out', root, '--spacing', '0']), /spacing must be/);
    assert.match(await refusal(['--out', root, '--predictions', 'great']), /unknown prediction profile\(s\) great/);
    assert.match(await refusal(['--out', root, '--preset', 'huge']), /unknown preset "huge"/);
    assert.match(await refusal(['--out', root, '--seed', '1.5']), /--seed must be an integer/);
  });
});
