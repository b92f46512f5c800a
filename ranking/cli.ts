/**
 * `carina rank --input scores.csv [--lower-better] [--bootstrap N] [--seed S] [--json]`: the ranking analysis of a
 * table of `algorithm,case,value` rows (analysis.ts). With --json, one JSON object with exactly the keys of
 * `../shared/ranking/expected.json`, so it can be compared with R directly; without, a readable summary. Cells
 * that had no finite value and took the table's worst value are reported on stderr either way. Exit 2 with a
 * one-line reason on bad input.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { rankingAnalysis, type RankingAnalysis } from './analysis.ts';
import { scoreTable, type ScoreRow } from './score-table.ts';

class RankInputError extends Error {}

function positiveInteger(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new RankInputError(`--${name} takes a positive integer, not "${text}"`);
  return value;
}

/** Parses the CSV text into rows; a value that is empty, NA or not a number is kept as NaN (a failed case). */
export function parseScoreCsv(text: string): ScoreRow[] {
  let records: Array<Record<string, string>>;
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new RankInputError(`not a CSV table: ${(error as Error).message}`);
  }
  const first = records[0];
  if (!first || !['algorithm', 'case', 'value'].every((column) => column in first)) {
    throw new RankInputError('the CSV needs a header with the columns algorithm, case, value');
  }
  return records.map((r) => ({ algorithm: r.algorithm, case: r.case, value: r.value === '' ? Number.NaN : Number(r.value) }));
}

/** The readable summary: the mean ranking with each algorithm's bootstrap rank interval. */
function summary(result: RankingAnalysis): string {
  const quantiles = result.bootstrap_mean['quantiles_2.5_50_97.5'];
  const rows = [...result.aggregate_then_rank_mean].sort((x, y) => x.rank - y.rank);
  const width = Math.max(9, ...rows.map((r) => r.algorithm.length));
  const lines = [`${'rank'.padEnd(5)}${'algorithm'.padEnd(width + 2)}${'mean'.padStart(10)}  rank interval (95 %)  mean case rank  beats (p ≤ 0.05)`];
  for (const r of rows) {
    const [lo, , hi] = quantiles[r.algorithm];
    const rta = result.rank_then_aggregate.find((e) => e.algorithm === r.algorithm)!;
    const ttr = result.test_then_rank.find((e) => e.algorithm === r.algorithm)!;
    lines.push(`${String(r.rank).padEnd(5)}${r.algorithm.padEnd(width + 2)}${r.score.toFixed(4).padStart(10)}  ${`${lo}–${hi}`.padEnd(20)}  ${rta.score.toFixed(3).padStart(14)}  ${(ttr.score * 100).toFixed(0).padStart(14)} %`);
  }
  lines.push(`Kendall's tau, mean vs rank-then-aggregate: ${result.kendall_tau_mean_vs_rank_then_aggregate}; ${result.bootstrap_mean.samples} bootstrap samples`);
  return lines.join('\n');
}

export async function rankCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: 'string' },
      'lower-better': { type: 'boolean', default: false },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  try {
    if (!values.input) throw new RankInputError('usage: carina rank --input scores.csv [--lower-better] [--bootstrap N] [--seed S] [--json]');
    const samples = positiveInteger(values.bootstrap, 'bootstrap', 1000);
    const seed = positiveInteger(values.seed, 'seed', 1);
    let text: string;
    try {
      text = await readFile(values.input, 'utf8');
    } catch {
      throw new RankInputError(`${values.input}: no such file`);
    }
    const largerIsBetter = !values['lower-better'];
    const table = scoreTable(parseScoreCsv(text), largerIsBetter);
    if (table.algorithms.length < 2 || table.cases.length < 1) throw new RankInputError(`${values.input}: needs at least two algorithms and one case`);
    const { filled, ...result } = rankingAnalysis(table, { largerIsBetter, bootstrapSamples: samples, seed });
    if (filled.length > 0) {
      process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'cells without a value took the worst value of the table', cells: filled })}\n`);
    }
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 1)}\n` : `${summary({ ...result, filled })}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RankInputError || (error instanceof Error && /two values for/.test(error.message))) {
      process.stderr.write(`carina: BAD_INPUT: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
