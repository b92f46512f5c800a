/**
 * `npm run bench:evaluator`: gold-standard preparation and scoring on the real ATM'22 cases, side by side with
 * `zcat` of the same files in the same run, plus peak memory on a 512×512×682 case made on the fly.
 * Each measurement runs in a fresh process (peak RSS is that process's own); the median of RUNS is reported.
 * The official pipeline cannot run here (no scikit-image); its times on this machine are in
 * ../shared/atm22/timings.md and are quoted as the baseline.
 * "score both" rows score ATM'22 and AIIB23 at once, run alternately with the ATM'22-alone task in the same
 * loop, and give the ratio of the two medians (target ≤ 1.3).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stretchAlongZ } from './stretch-volume.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CASES = fileURLToPath(new URL('../../../shared/atm22/cases/', import.meta.url));
const OFFICIAL_PREPARE_S: Record<string, number> = { ATM_305: 262, ATM_307: 300 };
const TASK = fileURLToPath(new URL('./bench-task.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

interface TaskResult {
  ms: number;
  peakMB: number;
  [key: string]: unknown;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runTask(args: string[]): TaskResult {
  const out = execFileSync(process.execPath, [TSX, TASK, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as TaskResult;
}

function zcatMs(path: string): number {
  const started = performance.now();
  const result = spawnSync('zcat', [path], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`zcat ${path} failed`);
  return performance.now() - started;
}

function measure(label: string, args: string[], zcatFile: string) {
  const runs: TaskResult[] = [];
  const zcats: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    zcats.push(zcatMs(zcatFile));
    runs.push(runTask(args));
  }
  const ms = median(runs.map((x) => x.ms));
  const z = median(zcats);
  const row = { label, ms: Math.round(ms), zcatMs: Math.round(z), ratioToZcat: +(ms / z).toFixed(2), peakMB: Math.round(Math.max(...runs.map((x) => x.peakMB))) };
  console.log(JSON.stringify(row));
  return { ...row, last: runs[runs.length - 1] };
}

/** The two-suite task and the ATM'22-alone task, alternated run by run so machine load hits both alike. */
function measureBoth(label: string, prepared: string, pred: string) {
  const alone: number[] = [];
  const both: TaskResult[] = [];
  const zcats: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    zcats.push(zcatMs(pred));
    alone.push(runTask(['score', prepared, pred]).ms);
    both.push(runTask(['score-both', prepared, pred]));
  }
  const ms = median(both.map((x) => x.ms));
  const atmMs = median(alone);
  const z = median(zcats);
  const row = {
    label,
    ms: Math.round(ms),
    zcatMs: Math.round(z),
    ratioToZcat: +(ms / z).toFixed(2),
    peakMB: Math.round(Math.max(...both.map((x) => x.peakMB))),
    atmAloneMs: Math.round(atmMs),
    ratioToAtm: +(ms / atmMs).toFixed(2),
  };
  console.log(JSON.stringify(row));
  return row;
}

const work = mkdtempSync(join(tmpdir(), 'carina-bench-'));
try {
  console.log(JSON.stringify({ machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version }, runs: RUNS }));
  const rows: Array<Record<string, unknown>> = [];
  for (const name of ['ATM_305', 'ATM_307']) {
    const gold = join(CASES, name, 'gold.nii.gz');
    const out = join(work, name);
    const prep = measure(`prepare ${name}`, ['prepare', gold, out], gold);
    const official = OFFICIAL_PREPARE_S[name];
    rows.push({ ...prep, officialS: official, speedup: Math.round((official * 1000) / prep.ms) });
    for (const team of ['timi', 'deeptree_damo']) {
      const pred = join(CASES, name, `pred_${team}.nii.gz`);
      rows.push(measure(`score ${name}/${team}`, ['score', out, pred], pred));
      rows.push(measureBoth(`score both suites ${name}/${team}`, out, pred));
    }
  }
  // ATM'22's tallest scans have 682 slices: stretch ATM_305 to that height (gold and one prediction)
  const tallGold = join(work, 'tall_gold.nii.gz');
  const tallPred = join(work, 'tall_pred.nii.gz');
  await stretchAlongZ(join(CASES, 'ATM_305', 'gold.nii.gz'), tallGold, 682);
  await stretchAlongZ(join(CASES, 'ATM_305', 'pred_timi.nii.gz'), tallPred, 682);
  const tallOut = join(work, 'tall');
  const tallPrep = measure('prepare 512x512x682', ['prepare', tallGold, tallOut], tallGold);
  rows.push({ ...tallPrep, officialS: 1137, speedup: Math.round(1137000 / tallPrep.ms), note: 'official figure is ATM_224 (682 slices, 350 branches)' });
  rows.push(measure('score 512x512x682', ['score', tallOut, tallPred], tallPred));
  rows.push(measureBoth('score both suites 512x512x682', tallOut, tallPred));
  mkdirSync('bench-out', { recursive: true });
  writeFileSync('bench-out/evaluator.json', JSON.stringify(rows, null, 1) + '\n');
  console.log('\n| task | wall (median) | zcat of its input | ratio | official | speed-up | peak RSS | both suites / ATM\'22 alone |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const official = r.officialS ? `${r.officialS} s` : '';
    const speedup = r.speedup ? `${r.speedup}×` : '';
    const both = r.ratioToAtm ? `${r.ratioToAtm}× (${r.ms} / ${r.atmAloneMs} ms)` : '';
    console.log(`| ${r.label} | ${r.ms} ms | ${r.zcatMs} ms | ${r.ratioToZcat}× | ${official} | ${speedup} | ${r.peakMB} MB | ${both} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
