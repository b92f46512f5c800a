/**
 * `npm run bench:ranking` — the ranking analysis of a phase with 50 teams × 150 cases × 4 metrics and 1,000
 * bootstrap samples (target ≤ 2 s), in one run with its baseline: the naive bootstrap that builds each sample's
 * table and ranks it from scratch (imputation, per-case ranks, sorting), as a straightforward port of challengeR's
 * loop would. Synthetic scores from the seeded generator (ranking/seeded-random.ts): each team has a skill, each
 * case a difficulty, plus noise; 1 % of the cells are missing (failed cases). Median of 3 runs per task, each
 * after one warm-up run.
 *
 * Then the bootstrap of a test-then-rank scheme at 10, 25 and 50 teams × 100 cases × 4 metrics × 1,000 samples:
 * the resampled pair tests (ranking/resampled-signed-rank.ts; median of 3 after a warm-up) side by side with the
 * gathered ones they replaced (each sample gathered, every pair sorted afresh; one run, it is long), and whether
 * both give the same result (they must: deepEqual of the whole rank-uncertainty output).
 */
import { deepStrictEqual } from 'node:assert';
import { loadavg } from 'node:os';
import { sampleCases, type MetricTable } from '../ranking/metric-table.ts';
import { phaseAnalysis } from '../ranking/phase-analysis.ts';
import { rankUncertainty } from '../ranking/rank-uncertainty.ts';
import { rankScheme, type SchemeSpec } from '../ranking/schemes.ts';
import { seededRandom } from '../ranking/seeded-random.ts';

const TEAMS = 50;
const CASES = 150;
const SAMPLES = 1000;
const METRICS = [
  { name: 'TD', direction: 'higher' as const, weight: 0.25 },
  { name: 'BD', direction: 'higher' as const, weight: 0.25 },
  { name: 'DSC', direction: 'higher' as const, weight: 0.25 },
  { name: 'Precision', direction: 'higher' as const, weight: 0.25 },
];

function syntheticTable(teams = TEAMS, cases = CASES): MetricTable {
  const random = seededRandom(12);
  const skill = Array.from({ length: teams }, () => 0.6 + 0.3 * random());
  const difficulty = Array.from({ length: cases }, () => 0.2 * random());
  const metrics: Record<string, Float64Array[]> = {};
  for (const m of METRICS) {
    metrics[m.name] = skill.map((s) => Float64Array.from(difficulty, (d) => (random() < 0.01 ? Number.NaN : Math.min(1, Math.max(0, s - d + 0.1 * (random() - 0.5))))));
  }
  return { entries: skill.map((_, i) => `team-${i + 1}`), cases: difficulty.map((_, i) => `case-${i + 1}`), metrics };
}

/** The baseline: every sample's table built and ranked from scratch. */
function naiveBootstrap(spec: SchemeSpec, table: MetricTable, samples: number): number[][] {
  const random = seededRandom(1);
  const n = table.cases.length;
  const out: number[][] = [];
  for (let s = 0; s < samples; s++) {
    const picks = Array.from({ length: n }, () => Math.floor(random() * n));
    out.push(rankScheme(spec, sampleCases(table, picks)).ranks);
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(run: () => unknown, repeats = 3): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** One timed run, no warm-up: for runs of many seconds, where warming up would double the wait for nothing. */
function once(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

const table = syntheticTable();
const atm: SchemeSpec = { kind: 'weighted', aggregate: 'mean', metrics: METRICS };
const brats: SchemeSpec = { kind: 'rank-then-aggregate', metrics: METRICS };
const rows: Array<[string, string, string]> = [];
const ms = (x: number) => `${Math.round(x)} ms`;

const fullAtm = time(() => phaseAnalysis(table, atm, { samples: SAMPLES }));
const fullBrats = time(() => phaseAnalysis(table, brats, { samples: SAMPLES }));
const bootAtm = time(() => rankUncertainty(atm, table, { samples: SAMPLES }));
const naiveAtm = time(() => naiveBootstrap(atm, table, SAMPLES), 1);
const bootBrats = time(() => rankUncertainty(brats, table, { samples: SAMPLES }));
const naiveBrats = time(() => naiveBootstrap(brats, table, SAMPLES), 1);
const ttr: SchemeSpec = { kind: 'test-then-rank', metrics: METRICS };
const fullTtr = time(() => phaseAnalysis(table, ttr, { samples: SAMPLES }));
const bootTtr = time(() => rankUncertainty(ttr, table, { samples: SAMPLES }));
const gatheredTen = time(() => rankUncertainty(ttr, table, { samples: 10, pairTests: 'gathered' }), 1);

rows.push(['full analysis, ATM\u201922 weighted scheme (all figures, 1,000 samples)', ms(fullAtm), fullAtm <= 2000 ? 'met' : '**not met**']);
rows.push(['full analysis, rank-then-aggregate scheme', ms(fullBrats), fullBrats <= 2000 ? 'met' : '**not met**']);
rows.push(['full analysis, test-then-rank scheme', ms(fullTtr), fullTtr <= 2000 ? 'met' : '**not met**']);
rows.push(['bootstrap only, weighted: prepared / naive', `${ms(bootAtm)} / ${ms(naiveAtm)}`, `${(naiveAtm / bootAtm).toFixed(1)}× faster`]);
rows.push(['bootstrap only, rank-then-aggregate: prepared / naive', `${ms(bootBrats)} / ${ms(naiveBrats)}`, `${(naiveBrats / bootBrats).toFixed(1)}× faster`]);
rows.push(['bootstrap only, test-then-rank: resampled / gathered (10 samples × 100)', `${ms(bootTtr)} / ${ms(gatheredTen * 100)}`, `${((gatheredTen * 100) / bootTtr).toFixed(1)}× faster`]);

console.log(`ranking analysis: ${TEAMS} teams × ${CASES} cases × ${METRICS.length} metrics, ${SAMPLES} bootstrap samples (Node ${process.version}, load average ${loadavg()[0].toFixed(1)})`);
console.log('| task | wall (median of 3) | note |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);

const GRID_CASES = 100;
console.log(`\ntest-then-rank bootstrap: teams × ${GRID_CASES} cases × ${METRICS.length} metrics × ${SAMPLES} samples`);
console.log('| teams | resampled (median of 3) | gathered (1 run) | speed-up | same result |\n|---|---|---|---|---|');
for (const teams of [10, 25, 50]) {
  const grid = syntheticTable(teams, GRID_CASES);
  let fast: unknown;
  let slow: unknown;
  const resampled = time(() => (fast = rankUncertainty(ttr, grid, { samples: SAMPLES })));
  const gathered = once(() => (slow = rankUncertainty(ttr, grid, { samples: SAMPLES, pairTests: 'gathered' })));
  let same = 'yes';
  try {
    deepStrictEqual(fast, slow);
  } catch {
    same = '**NO**';
  }
  console.log(`| ${teams} | ${ms(resampled)} | ${ms(gathered)} | ${(gathered / resampled).toFixed(1)}× | ${same} |`);
}
console.log(`(load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(', ')})`);
