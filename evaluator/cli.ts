/**
 * `carina prepare` and `carina evaluate`: the evaluator on the command line.
 *
 *   carina prepare --gt GOLD --out DIR
 *   carina evaluate (--gt GOLD | --prepared DIR) --pred P [--pred P2 ...] [--suite atm22|aiib23|atm22,aiib23]
 *                   [--max-voxels N]
 *
 * `evaluate` prints one JSON object per prediction per line on stdout: the first suite's record at the top level
 * (its official keys first: TD, BD, … for atm22, the default; IoU, DLR, DBR, Precision, Leakage for aiib23), each
 * further suite's record under its id. Progress goes to stderr as JSON lines. Any bad input: a one-line reason on
 * stderr and exit code 2.
 */
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
// from the modules themselves, not index.ts: a fresh `carina evaluate` should load neither itk-wasm (NIfTI has its
// own reader) nor the mesh and inference code that index.ts also exports
import { EvaluatorError } from './errors.ts';
import { logEvent } from './log.ts';
import { prepareGold } from './pipeline/prepare-gold.ts';
import type { PreparedGold } from './pipeline/prepared-gold.ts';
import { readPreparedGold, writePreparedGold } from './pipeline/prepared-gold-file.ts';
import { readVolume, DEFAULT_MAX_VOXELS } from './io/read-volume.ts';
import { VolumeBuffer } from './io/volume-buffer.ts';
import { scoreSuites, EVALUATOR_SUITES, type CaseScore, type EvaluatorSuite, type SuiteScores } from './pipeline/score-prediction.ts';
import type { Aiib23Score } from './pipeline/score-aiib23.ts';
import { OFFICIAL_KEYS } from './metrics/atm22-metrics.ts';
import { AIIB23_METRIC_KEYS } from './metrics/aiib23-metrics.ts';
import { EVALUATOR_VERSION } from './version.ts';

export { OFFICIAL_KEYS };

/** The result line: official keys first, then the extras. */
export function resultRecord(pred: string, score: CaseScore): Record<string, unknown> {
  const record: Record<string, unknown> = { pred };
  for (const key of OFFICIAL_KEYS) record[key] = score[key];
  const { timings, ...rest } = score;
  for (const [key, value] of Object.entries(rest)) if (!(key in record)) record[key] = value;
  record.timings = timings;
  record.evaluator_version = EVALUATOR_VERSION;
  return record;
}

/** The AIIB23 result: its five figures first, exactly as the official code names them, then the extras. */
export function aiibRecord(pred: string, score: Aiib23Score): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const key of AIIB23_METRIC_KEYS) record[key] = score[key];
  record.pred = pred;
  for (const [key, value] of Object.entries(score)) if (!(key in record)) record[key] = value;
  record.evaluator_version = EVALUATOR_VERSION;
  return record;
}

/** One line for one prediction: the first suite at the top level, the others under their ids. */
export function suitesRecord(pred: string, suites: readonly EvaluatorSuite[], scores: SuiteScores): Record<string, unknown> {
  const recordOf = (suite: EvaluatorSuite) => (suite === 'atm22' ? resultRecord(pred, scores.atm22!) : aiibRecord(pred, scores.aiib23!));
  const record = recordOf(suites[0]);
  for (const suite of suites.slice(1)) record[suite] = recordOf(suite);
  if (suites.length > 1) record.timings = scores.timings;
  return record;
}

/** `--suite a,b`: known suite ids, each once, in the order given; atm22 alone by default. */
export function suitesOption(value: string | undefined): EvaluatorSuite[] {
  if (value === undefined) return ['atm22'];
  const ids = value.split(',').map((x) => x.trim());
  for (const id of ids) {
    if (!(EVALUATOR_SUITES as readonly string[]).includes(id)) {
      throw new EvaluatorError('BAD_ARGUMENTS', `--suite: unknown suite "${id}" (known: ${EVALUATOR_SUITES.join(', ')})`);
    }
  }
  if (new Set(ids).size !== ids.length) throw new EvaluatorError('BAD_ARGUMENTS', `--suite names a suite twice: "${value}"`);
  return ids as EvaluatorSuite[];
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

function maxVoxelsOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_VOXELS;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new EvaluatorError('BAD_ARGUMENTS', `--max-voxels must be a positive integer, got "${value}"`);
  return n;
}

async function prepareFromFile(path: string, maxVoxels: number): Promise<PreparedGold> {
  const started = performance.now();
  const label = await readVolume(path, { maxVoxels });
  const prepared = await prepareGold(label, {
    sourceSha256: await sha256(path),
    onProgress: (stage) => logEvent('info', 'prepare', { gt: path, stage }),
  });
  logEvent('info', 'prepared', {
    gt: path,
    ms: Math.round(performance.now() - started),
    branches: prepared.branches.officialCount,
    skeleton_voxels: prepared.skeletonVoxels,
  });
  return prepared;
}

async function prepareCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { gt: { type: 'string' }, out: { type: 'string' }, 'max-voxels': { type: 'string' } },
  });
  if (!values.gt || !values.out) throw new EvaluatorError('BAD_ARGUMENTS', 'usage: carina prepare --gt GOLD --out DIR');
  const prepared = await prepareFromFile(values.gt, maxVoxelsOption(values['max-voxels']));
  await writePreparedGold(values.out, prepared);
  return 0;
}

async function evaluateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      gt: { type: 'string' },
      prepared: { type: 'string' },
      pred: { type: 'string', multiple: true },
      suite: { type: 'string' },
      'max-voxels': { type: 'string' },
    },
  });
  const suites = suitesOption(values.suite);
  const preds = values.pred ?? [];
  if ((!values.gt && !values.prepared) || (values.gt && values.prepared) || preds.length === 0) {
    throw new EvaluatorError('BAD_ARGUMENTS', 'usage: carina evaluate (--gt GOLD | --prepared DIR) --pred P [--pred P2 ...] [--suite atm22,aiib23]');
  }
  const maxVoxels = maxVoxelsOption(values['max-voxels']);
  const gold = values.gt ? await prepareFromFile(values.gt, maxVoxels) : await readPreparedGold(values.prepared!);
  let failures = 0;
  // one buffer for every prediction, scored one after the other: fresh memory costs page faults, reused does not
  const predictions = new VolumeBuffer();
  for (const pred of preds) {
    try {
      const started = performance.now();
      const volume = await readVolume(pred, { maxVoxels, buffer: predictions });
      const scores = await scoreSuites(gold, volume, suites, pred);
      process.stdout.write(JSON.stringify(suitesRecord(pred, suites, scores)) + '\n');
      logEvent('info', 'scored', { pred, ms: Math.round(performance.now() - started) });
    } catch (error) {
      if (!(error instanceof EvaluatorError)) throw error;
      failures++;
      process.stderr.write(`carina: ${error.code}: ${error.message}\n`);
    }
  }
  return failures > 0 ? 2 : 0;
}

export const evaluatorCommands: Record<string, (args: string[]) => Promise<number>> = {
  prepare: prepareCommand,
  evaluate: evaluateCommand,
};
