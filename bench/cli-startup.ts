/**
 * `npm run bench:cli`: how fast the `carina` command starts and scores, each call a fresh process as a user runs
 * it, median of RUNS (5), side by side in one run with `zcat` of the same prediction and with the TypeScript
 * sources run through tsx (the old path; `CARINA_FROM_SOURCE=1`) as the baseline. Prepares ATM_305 once first.
 * Targets: `npx carina --help` ≤ 0.3 s; `carina evaluate --prepared DIR --pred P` ≤ 1.5 × zcat(P) + 0.3 s.
 * The load average is printed with the figures: other work on the machine slows every column.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../bin/build-cli.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CARINA = join(ROOT, 'bin/carina.mjs');
const CASE = fileURLToPath(new URL('../../shared/atm22/cases/ATM_305/', import.meta.url));
const GOLD = join(CASE, 'gold.nii.gz');
const PRED = join(CASE, 'pred_timi.nii.gz');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function wallMs(command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 16 << 20 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return ms;
}

const load = () => loadavg().map((x) => +x.toFixed(2));

await buildCli();
const work = mkdtempSync(join(tmpdir(), 'carina-bench-cli-'));
try {
  const prepared = join(work, 'prepared');
  execFileSync(process.execPath, [CARINA, 'prepare', '--gt', GOLD, '--out', prepared], { stdio: ['ignore', 'ignore', 'pipe'] });
  const evaluate = ['evaluate', '--prepared', prepared, '--pred', PRED];
  const tasks: Array<{ label: string; run: () => number }> = [
    { label: `zcat ${PRED.split('/').slice(-2).join('/')}`, run: () => wallMs('zcat', [PRED]) },
    { label: 'npx carina --help', run: () => wallMs('npx', ['carina', '--help']) },
    { label: 'carina --help', run: () => wallMs(process.execPath, [CARINA, '--help']) },
    { label: 'carina --help (tsx)', run: () => wallMs(process.execPath, [CARINA, '--help'], { CARINA_FROM_SOURCE: '1' }) },
    { label: 'carina evaluate', run: () => wallMs(process.execPath, [CARINA, ...evaluate]) },
    { label: 'carina evaluate (tsx)', run: () => wallMs(process.execPath, [CARINA, ...evaluate], { CARINA_FROM_SOURCE: '1' }) },
  ];
  const loadBefore = load();
  const samples = new Map<string, number[]>(tasks.map((t) => [t.label, []]));
  for (let r = 0; r < RUNS; r++) for (const task of tasks) samples.get(task.label)!.push(task.run());
  const ms = Object.fromEntries([...samples].map(([label, xs]) => [label, Math.round(median(xs))]));
  const zcat = ms[tasks[0].label];
  const evaluateBudget = Math.round(1.5 * zcat + 300);
  const report = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadBefore, loadAfter: load() },
    runs: RUNS,
    medianMs: ms,
    targets: {
      'npx carina --help ≤ 300 ms': { ms: ms['npx carina --help'], met: ms['npx carina --help'] <= 300 },
      'carina --help ≤ 300 ms': { ms: ms['carina --help'], met: ms['carina --help'] <= 300 },
      [`carina evaluate ≤ 1.5 × zcat + 300 ms = ${evaluateBudget} ms`]: { ms: ms['carina evaluate'], met: ms['carina evaluate'] <= evaluateBudget },
    },
  };
  console.log(JSON.stringify(report, null, 1));
  mkdirSync(join(ROOT, 'bench-out'), { recursive: true });
  writeFileSync(join(ROOT, 'bench-out/cli-startup.json'), JSON.stringify(report, null, 1) + '\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
