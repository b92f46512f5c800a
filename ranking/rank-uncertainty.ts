/**
 * How certain a leaderboard's order is: a seeded bootstrap of cases (each sample draws n cases with replacement;
 * every entry keeps its paired values on the drawn cases, as challengeR does), the phase's scheme applied to each
 * sample. Per entry: its rank on the full table, the 2.5 % and 97.5 % type-7 quantiles of its sample ranks (the
 * rank interval), the share of samples in which it keeps its rank, and its rank frequencies (the blob plot).
 * The top places are "statistically indistinguishable" when more than one entry's interval includes first place.
 * Pure; deterministic for a seed (the generator of ranking/seeded-random.ts).
 */
import { quantileType7 } from './quantile.ts';
import { imputeWorst, type MetricTable } from './metric-table.ts';
import { allCases, prepareScheme, type PrepareOptions, type SchemeSpec } from './schemes.ts';
import { seededRandom } from './seeded-random.ts';

export const MIN_ENTRIES = 2;
export const MIN_CASES = 5;

export interface EntryUncertainty {
  entry: string;
  rank: number;
  /** 2.5 % and 97.5 % quantiles (type 7) of the entry's bootstrap ranks. */
  interval: [number, number];
  /** Share of samples in which the entry has exactly its rank. */
  keepShare: number;
  /** Share of samples per rank, index 0 = rank 1. */
  rankFrequencies: number[];
  /** Cases of this entry that were missing or failed (they took the worst value of their metric). */
  imputed: number;
}

export interface RankUncertainty {
  samples: number;
  seed: number;
  cases: number;
  entries: EntryUncertainty[];
  /** Entries whose interval includes rank 1, when more than one does (else 0). */
  indistinguishableTop: number;
  note: string | null;
}

export interface UncertaintyOptions {
  readonly samples?: number;
  readonly seed?: number;
  /** How a test-then-rank scheme tests pairs on a sample (schemes.ts PrepareOptions; the same numbers either way). */
  readonly pairTests?: PrepareOptions['pairTests'];
}

/** Whether a table is large enough for a rank interval to mean anything (≥ 2 entries, ≥ 5 cases). */
export function uncertaintyApplies(entries: number, cases: number): boolean {
  return entries >= MIN_ENTRIES && cases >= MIN_CASES;
}

/**
 * The bootstrap in steps, for a caller that must not hold its thread for the whole run (the worker yields to its
 * event loop between steps and logs progress): `step(k)` draws up to k more samples and says whether all are
 * drawn; `result()` then gives what rankUncertainty gives. The same samples in the same order however it is cut.
 */
export interface UncertaintyRun {
  readonly samples: number;
  /** Samples drawn so far. */
  readonly done: number;
  step(count: number): boolean;
  result(): RankUncertainty;
}

export function startRankUncertainty(spec: SchemeSpec, table: MetricTable, options: UncertaintyOptions = {}): UncertaintyRun {
  const samples = options.samples ?? 1000;
  const seed = options.seed ?? 1;
  const filled = imputeWorst(table, spec.metrics);
  const score = prepareScheme(spec, filled, { pairTests: options.pairTests });
  const m = table.entries.length;
  const n = table.cases.length;
  const full = score(allCases(n)).ranks;
  const random = seededRandom(seed);
  const picks = new Int32Array(n);
  const sampleRanks = table.entries.map(() => new Float64Array(samples));
  const counts = table.entries.map(() => new Float64Array(m));
  let done = 0;
  const step = (count: number): boolean => {
    const until = Math.min(samples, done + Math.max(0, count));
    for (let s = done; s < until; s++) {
      for (let i = 0; i < n; i++) picks[i] = Math.floor(random() * n);
      score(picks).ranks.forEach((rank, e) => {
        sampleRanks[e][s] = rank;
        counts[e][rank - 1]++;
      });
    }
    done = until;
    return done === samples;
  };
  const result = (): RankUncertainty => {
    if (done < samples) throw new Error(`the bootstrap has drawn ${done} of its ${samples} samples`);
    const entries = table.entries.map((entry, e): EntryUncertainty => {
      const [lo, hi] = quantileType7(sampleRanks[e], [0.025, 0.975]);
      return {
        entry,
        rank: full[e],
        interval: [lo, hi],
        keepShare: counts[e][full[e] - 1] / samples,
        rankFrequencies: Array.from(counts[e], (c) => c / samples),
        imputed: filled.imputed[e],
      };
    });
    const topCandidates = entries.filter((x) => x.interval[0] <= 1).length;
    const indistinguishableTop = topCandidates > 1 ? topCandidates : 0;
    const note = indistinguishableTop
      ? `The top ${indistinguishableTop} places are statistically indistinguishable: the 95 % rank intervals of ${indistinguishableTop} entries include first place (${samples} bootstrap samples of the ${n} cases).`
      : null;
    return { samples, seed, cases: n, entries, indistinguishableTop, note };
  };
  return {
    samples,
    get done() {
      return done;
    },
    step,
    result,
  };
}

export function rankUncertainty(spec: SchemeSpec, table: MetricTable, options: UncertaintyOptions = {}): RankUncertainty {
  const run = startRankUncertainty(spec, table, options);
  run.step(run.samples);
  return run.result();
}
