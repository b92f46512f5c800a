/**
 * The ranking analysis against what R computes for ../shared/ranking (see its README): the deterministic figures
 * exactly (ranks equal, scores and p-values to 1e-9 relative), the bootstrap within sampling error (±0.03 per
 * share with 4,000 samples); in process and through `carina rank --json` as a user runs it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, it } from 'mocha';
import { parseScoreCsv } from '../../ranking/cli.ts';
import { rankingAnalysis } from '../../ranking/analysis.ts';
import { scoreTable } from '../../ranking/score-table.ts';
import { CARINA_BIN, compiledCli } from '../helpers/compiled-cli.ts';

const SCORES = new URL('../../../shared/ranking/scores.csv', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('../../../shared/ranking/expected.json', import.meta.url), 'utf8'));

const closeRel = (actual: number | null, wanted: number | null, what: string) => {
  if (wanted === null || actual === null) return assert.equal(actual, wanted, what);
  assert.ok(Math.abs(actual - wanted) <= 1e-9 * Math.max(Math.abs(wanted), 1e-300), `${what}: ${actual} vs ${wanted}`);
};

function compare(result: any): void {
  assert.deepEqual(Object.keys(result).sort(), Object.keys(expected).sort(), 'the keys of expected.json, no more');
  for (const key of ['aggregate_then_rank_mean', 'aggregate_then_rank_median', 'rank_then_aggregate', 'test_then_rank']) {
    assert.equal(result[key].length, expected[key].length, key);
    expected[key].forEach((want: { algorithm: string; score: number; rank: number }, i: number) => {
      assert.equal(result[key][i].algorithm, want.algorithm, `${key}[${i}]`);
      assert.equal(result[key][i].rank, want.rank, `${key} ${want.algorithm} rank`);
      closeRel(result[key][i].score, want.score, `${key} ${want.algorithm} score`);
    });
  }
  assert.equal(result.pairwise.length, expected.pairwise.length);
  expected.pairwise.forEach((want: { a: string; b: string; p: number; p_holm: number; significant_holm: boolean; significant_none: boolean }, i: number) => {
    const got = result.pairwise[i];
    assert.deepEqual([got.a, got.b], [want.a, want.b]);
    closeRel(got.p, want.p, `p ${want.a} > ${want.b}`);
    closeRel(got.p_holm, want.p_holm, `p_holm ${want.a} > ${want.b}`);
    assert.equal(got.significant_holm, want.significant_holm, `${want.a} > ${want.b} (Holm)`);
    assert.equal(got.significant_none, want.significant_none, `${want.a} > ${want.b}`);
  });
  closeRel(result.kendall_tau_mean_vs_rank_then_aggregate, expected.kendall_tau_mean_vs_rank_then_aggregate, 'tau');
  const boot = result.bootstrap_mean;
  const want = expected.bootstrap_mean;
  assert.equal(boot.samples, want.samples);
  assert.deepEqual(Object.keys(boot).sort(), Object.keys(want).sort());
  for (const [algorithm, shares] of Object.entries<Record<string, number>>(want.rank_frequencies)) {
    assert.deepEqual(Object.keys(boot.rank_frequencies[algorithm]), Object.keys(shares), algorithm);
    for (const [rank, share] of Object.entries(shares)) {
      assert.ok(Math.abs(boot.rank_frequencies[algorithm][rank] - share) <= 0.03, `${algorithm} at rank ${rank}: ${boot.rank_frequencies[algorithm][rank]} vs R's ${share}`);
    }
    want['quantiles_2.5_50_97.5'][algorithm].forEach((q: number, i: number) =>
      assert.ok(Math.abs(boot['quantiles_2.5_50_97.5'][algorithm][i] - q) <= 1, `${algorithm} rank quantile ${i}: ${boot['quantiles_2.5_50_97.5'][algorithm][i]} vs ${q}`),
    );
  }
  assert.ok(Math.abs(boot.kendall_tau.mean - want.kendall_tau.mean) <= 0.03, `tau mean ${boot.kendall_tau.mean} vs ${want.kendall_tau.mean}`);
  assert.ok(Math.abs(boot.kendall_tau.median - want.kendall_tau.median) <= 0.03, 'tau median');
}

describe('ranking analysis: the shared example against R', () => {
  it('matches in process (every deterministic figure exactly, the bootstrap within sampling error)', () => {
    const table = scoreTable(parseScoreCsv(readFileSync(SCORES, 'utf8')), true);
    const { filled, ...result } = rankingAnalysis(table, { bootstrapSamples: 4000, seed: 11 });
    assert.deepEqual(filled, [], 'every cell of the example has a value');
    compare(result);
  });

  it('matches through `carina rank --json`, and the same seed gives the same output', async () => {
    await compiledCli();
    const run = promisify(execFile);
    const args = [CARINA_BIN, 'rank', '--input', SCORES.pathname, '--bootstrap', '4000', '--seed', '5', '--json'];
    const first = await run(process.execPath, args);
    compare(JSON.parse(first.stdout));
    const again = await run(process.execPath, args);
    assert.equal(again.stdout, first.stdout);
  });

  it('refuses a table without the three columns, with a one-line reason and exit code 2', async () => {
    await compiledCli();
    const error = await promisify(execFile)(process.execPath, [CARINA_BIN, 'rank', '--input', new URL('../../package.json', import.meta.url).pathname]).catch((e) => e);
    assert.equal(error.code, 2);
    assert.match(error.stderr, /BAD_INPUT/);
  });
});
