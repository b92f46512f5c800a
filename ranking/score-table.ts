/**
 * A table of per-case scores: algorithms × cases, from `algorithm,case,value` rows. Algorithms and cases keep the
 * order in which they first appear. A missing cell, or a value that is not a finite number (a failed case), takes
 * the worst value of the whole table (the lowest when larger is better, else the highest) and is listed in
 * `filled`, so the output says which cells were not measured. Pure.
 */
export interface ScoreRow {
  readonly algorithm: string;
  readonly case: string;
  readonly value: number;
}

export interface ScoreTable {
  readonly algorithms: string[];
  readonly cases: string[];
  /** values[a][c]: algorithm a on case c. */
  readonly values: Float64Array[];
  /** Cells that had no finite value and took the worst one. */
  readonly filled: Array<{ algorithm: string; case: string }>;
}

export function scoreTable(rows: readonly ScoreRow[], largerIsBetter: boolean): ScoreTable {
  const algorithms: string[] = [];
  const cases: string[] = [];
  const algorithmIndex = new Map<string, number>();
  const caseIndex = new Map<string, number>();
  for (const row of rows) {
    if (!algorithmIndex.has(row.algorithm)) algorithmIndex.set(row.algorithm, algorithms.push(row.algorithm) - 1);
    if (!caseIndex.has(row.case)) caseIndex.set(row.case, cases.push(row.case) - 1);
  }
  const values = algorithms.map(() => new Float64Array(cases.length).fill(Number.NaN));
  let worst = largerIsBetter ? Infinity : -Infinity;
  for (const row of rows) {
    const a = algorithmIndex.get(row.algorithm)!;
    const c = caseIndex.get(row.case)!;
    if (!Number.isNaN(values[a][c])) throw new Error(`${row.algorithm} has two values for ${row.case}`);
    values[a][c] = row.value;
    if (Number.isFinite(row.value)) worst = largerIsBetter ? Math.min(worst, row.value) : Math.max(worst, row.value);
  }
  const filled: Array<{ algorithm: string; case: string }> = [];
  values.forEach((row, a) =>
    row.forEach((value, c) => {
      if (Number.isFinite(value)) return;
      row[c] = worst;
      filled.push({ algorithm: algorithms[a], case: cases[c] });
    }),
  );
  return { algorithms, cases, values, filled };
}
