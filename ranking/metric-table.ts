/**
 * A phase's per-case scores for several metrics: entries (one per team) × cases, one matrix per metric name.
 * NaN marks a case that is missing or failed. `imputeWorst` fills every such cell with the worst value of its
 * metric over the whole table (the lowest when higher is better, the highest when lower is better; NaN when the
 * metric has no value at all) and counts, per entry, the cases that had at least one filled cell, so an output can
 * say how many of an entry's cases were not measured. Pure.
 */
export type Direction = 'higher' | 'lower';

export interface MetricTable {
  readonly entries: readonly string[];
  readonly cases: readonly string[];
  /** metrics[name][entry][case]; NaN when the case is missing or failed. */
  readonly metrics: Readonly<Record<string, readonly Float64Array[]>>;
}

export interface FilledTable extends MetricTable {
  /** Per entry: cases with at least one imputed metric (of those asked for). */
  readonly imputed: readonly number[];
}

export function imputeWorst(table: MetricTable, metrics: ReadonlyArray<{ name: string; direction: Direction }>): FilledTable {
  const imputedCells = table.entries.map(() => new Uint8Array(table.cases.length));
  const filled: Record<string, Float64Array[]> = {};
  for (const { name, direction } of metrics) {
    if (filled[name]) continue;
    const rows = table.metrics[name];
    if (!rows) throw new Error(`the table has no metric "${name}"`);
    let worst = direction === 'higher' ? Infinity : -Infinity;
    for (const row of rows) for (const v of row) if (Number.isFinite(v)) worst = direction === 'higher' ? Math.min(worst, v) : Math.max(worst, v);
    if (!Number.isFinite(worst)) worst = Number.NaN;
    filled[name] = rows.map((row, e) =>
      Float64Array.from(row, (v, c) => {
        if (Number.isFinite(v)) return v;
        imputedCells[e][c] = 1;
        return worst;
      }),
    );
  }
  const imputed = imputedCells.map((cells) => cells.reduce((sum, x) => sum + x, 0));
  return { entries: table.entries, cases: table.cases, metrics: { ...table.metrics, ...filled }, imputed };
}

/** The table restricted to the given cases (in the given order, repeats allowed): a bootstrap sample. */
export function sampleCases(table: MetricTable, picks: ArrayLike<number>): MetricTable {
  const metrics: Record<string, Float64Array[]> = {};
  for (const [name, rows] of Object.entries(table.metrics)) metrics[name] = rows.map((row) => Float64Array.from(picks, (c) => row[c]));
  return { entries: table.entries, cases: Array.from(picks, (c) => table.cases[c]), metrics };
}
