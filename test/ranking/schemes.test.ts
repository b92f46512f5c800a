/**
 * Ranking schemes, rank uncertainty and the phase analysis on tables small enough to check by hand, and the
 * analysis figures drawn into linkedom's document (the same builders the page and the report use).
 */
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { describe, it } from 'mocha';
import { analysisFigures, renderFigure, type FigureDocument } from '../../ranking/figures/analysis-figures.ts';
import { imputeWorst, type MetricTable } from '../../ranking/metric-table.ts';
import { phaseAnalysis } from '../../ranking/phase-analysis.ts';
import { rankUncertainty } from '../../ranking/rank-uncertainty.ts';
import { competitionRanks, pairwiseBetterP, rankScheme, type SchemeSpec } from '../../ranking/schemes.ts';
import { wilcoxonSignedRankGreater } from '../../ranking/wilcoxon.ts';

const rows = (...values: number[][]) => values.map((v) => Float64Array.from(v));

/** Three entries × four cases: A best on TD, C best (lowest) on Leakage. */
const TABLE: MetricTable = {
  entries: ['A', 'B', 'C'],
  cases: ['c1', 'c2', 'c3', 'c4'],
  metrics: {
    TD: rows([0.9, 0.8, 0.7, 0.6], [0.8, 0.7, 0.9, 0.4], [0.5, 0.6, 0.5, 0.6]),
    Leakage: rows([0.3, 0.2, 0.4, 0.1], [0.1, 0.2, 0.3, 0.2], [0.0, 0.1, 0.1, 0.0]),
  },
};
const TD = { name: 'TD', direction: 'higher' as const, weight: 1 };
const LEAKAGE = { name: 'Leakage', direction: 'lower' as const, weight: 1 };

describe('ranking schemes', () => {
  it('competition ranks: ties (within 1e-12 relative) share the better rank, 1-2-2-4', () => {
    assert.deepEqual(competitionRanks([0.5, 0.7, 0.7, 0.1], 'higher'), [3, 1, 1, 4]);
    assert.deepEqual(competitionRanks([0.1 + 0.2, 0.3, 0.5], 'lower'), [1, 1, 3]);
  });

  it('aggregate-then-rank: mean and median per metric, in its direction', () => {
    // TD means: A 0.75, B 0.70, C 0.55; medians: A 0.75, B 0.75, C 0.55 (a tie for first)
    const mean = rankScheme({ kind: 'aggregate-then-rank', aggregate: 'mean', metrics: [TD] }, TABLE);
    assert.deepEqual(mean.ranks, [1, 2, 3]);
    assert.ok(Math.abs(mean.scores[0] - 0.75) < 1e-12);
    const median = rankScheme({ kind: 'aggregate-then-rank', aggregate: 'median', metrics: [TD] }, TABLE);
    assert.deepEqual(median.ranks, [1, 1, 3]);
    // Leakage means: A 0.25, B 0.2, C 0.05 → lower is better
    assert.deepEqual(rankScheme({ kind: 'aggregate-then-rank', metrics: [LEAKAGE] }, TABLE).ranks, [3, 2, 1]);
  });

  it('several metrics: the weighted mean of the per-metric ranks, lower is better', () => {
    // TD ranks 1,2,3; Leakage ranks 3,2,1 → equal weights: 2,2,2 (all tied); TD weight 3: A (3+3)/4 = 1.5 best
    const equal = rankScheme({ kind: 'aggregate-then-rank', metrics: [TD, LEAKAGE] }, TABLE);
    assert.deepEqual(equal.ranks, [1, 1, 1]);
    assert.deepEqual(equal.metricRanks, { TD: [1, 2, 3], Leakage: [3, 2, 1] });
    const weighted = rankScheme({ kind: 'mean-rank', metrics: [{ ...TD, weight: 3 }, LEAKAGE] }, TABLE);
    assert.deepEqual(weighted.scores, [1.5, 2, 2.5]);
    assert.deepEqual(weighted.ranks, [1, 2, 3]);
  });

  it('rank-then-aggregate: per-case ranks (ties share the better one), then the mean rank', () => {
    // TD per case: c1 A1 B2 C3; c2 A1 B2 C3; c3 B1 A2 C3; c4 A1 C1 B3 → means A 1.25, B 2, C 2.5
    const result = rankScheme({ kind: 'rank-then-aggregate', metrics: [TD] }, TABLE);
    assert.deepEqual(result.scores, [1.25, 2, 2.5]);
    assert.deepEqual(result.ranks, [1, 2, 3]);
    assert.equal(result.scoreDirection, 'lower');
  });

  it('test-then-rank: the share of the others beaten significantly (one-sided Wilcoxon, p ≤ 0.05)', () => {
    // X beats Y on every one of 8 cases (p = 0.0057, normal approximation); Z equals Y: no test is significant else
    const eight = (base: number) => Array.from({ length: 8 }, (_, i) => base + i / 100);
    const table: MetricTable = { entries: ['X', 'Y', 'Z'], cases: eight(0).map((_, i) => `c${i}`), metrics: { TD: rows(eight(0.9), eight(0.5), eight(0.5)) } };
    const result = rankScheme({ kind: 'test-then-rank', metrics: [TD] }, table);
    assert.deepEqual(result.scores, [1, 0, 0]);
    assert.deepEqual(result.ranks, [1, 2, 2]);
  });

  it('pairwise p-values: one ranking per pair gives both directions exactly as two separate tests', () => {
    const values = rows([0.9, 0.8, 0.7, 0.6, 0.5, 0.91], [0.8, 0.7, 0.9, 0.4, 0.5, 0.3], [0.5, 0.6, 0.5, 0.6, 0.5, 0.5]);
    for (const direction of ['higher', 'lower'] as const) {
      const p = pairwiseBetterP(values, direction);
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          if (a === b) continue;
          const expected = direction === 'higher' ? wilcoxonSignedRankGreater(values[a], values[b]).p : wilcoxonSignedRankGreater(values[b], values[a]).p;
          assert.equal(p[a * 3 + b], expected, `${direction} ${a} > ${b}`);
        }
      }
    }
  });

  it('weighted (ATM\u201922): Σ weight × mean, a lower-is-better metric entering with a minus sign', () => {
    const result = rankScheme({ kind: 'weighted', metrics: [{ ...TD, weight: 0.5 }, { ...LEAKAGE, weight: 0.5 }] }, TABLE);
    // A 0.5·0.75 − 0.5·0.25 = 0.25; B 0.35 − 0.1 = 0.25; C 0.275 − 0.025 = 0.25: a three-way tie
    result.scores.forEach((s) => assert.ok(Math.abs(s - 0.25) < 1e-12));
    assert.deepEqual(result.ranks, [1, 1, 1]);
    assert.deepEqual(result.metricRanks, {});
  });

  it('a missing or failed case takes the worst value of its metric, and is counted per entry', () => {
    const table: MetricTable = { ...TABLE, metrics: { ...TABLE.metrics, TD: rows([0.9, Number.NaN, 0.7, 0.6], [0.8, 0.7, 0.9, 0.4], [0.5, 0.6, 0.5, 0.6]) } };
    const filled = imputeWorst(table, [TD]);
    assert.equal(filled.metrics.TD[0][1], 0.4); // the worst TD of the table
    assert.deepEqual(filled.imputed, [1, 0, 0]);
    const leak = imputeWorst({ ...TABLE, metrics: { ...TABLE.metrics, Leakage: rows([Number.NaN, 0.2, 0.4, 0.1], [0.1, 0.2, 0.3, 0.2], [0.0, 0.1, 0.1, 0.0]) } }, [LEAKAGE]);
    assert.equal(leak.metrics.Leakage[0][0], 0.4); // lower is better: the highest is the worst
    const result = rankScheme({ kind: 'aggregate-then-rank', metrics: [TD] }, table);
    assert.deepEqual(result.imputed, [1, 0, 0]);
    assert.ok(Math.abs(result.scores[0] - (0.9 + 0.4 + 0.7 + 0.6) / 4) < 1e-12);
  });
});

describe('rank uncertainty (bootstrap of cases)', () => {
  const spec: SchemeSpec = { kind: 'aggregate-then-rank', metrics: [TD] };

  it('a winner on every case keeps rank 1 in every sample; two identical entries share the top: the note says so', () => {
    const n = 10;
    const table: MetricTable = {
      entries: ['best', 'twin1', 'twin2'],
      cases: Array.from({ length: n }, (_, i) => `c${i}`),
      metrics: { TD: rows(Array.from({ length: n }, () => 0.9), Array.from({ length: n }, (_, i) => 0.5 + i / 100), Array.from({ length: n }, (_, i) => 0.5 + i / 100)) },
    };
    const u = rankUncertainty(spec, table, { samples: 200, seed: 7 });
    assert.deepEqual(u.entries[0].interval, [1, 1]);
    assert.equal(u.entries[0].keepShare, 1);
    assert.deepEqual(u.entries[1].rankFrequencies, [0, 1, 0]); // twins always tie for second
    assert.equal(u.indistinguishableTop, 0);
    assert.equal(u.note, null);

    const close: MetricTable = { ...table, metrics: { TD: rows(Array.from({ length: n }, (_, i) => 0.5 + ((i * 7) % 10) / 100), Array.from({ length: n }, (_, i) => 0.5 + i / 100), Array.from({ length: n }, () => 0.1)) } };
    const v = rankUncertainty(spec, close, { samples: 500, seed: 3 });
    assert.equal(v.indistinguishableTop, 2);
    assert.match(v.note!, /top 2 places are statistically indistinguishable/);
    assert.deepEqual(v.entries[2].interval, [3, 3]);
    // deterministic for a seed
    assert.deepEqual(rankUncertainty(spec, close, { samples: 500, seed: 3 }), v);
  });
});

describe('phase analysis and its figures', () => {
  it('compares every scheme (τ = 1 on the diagonal) and draws every figure as SVG with linkedom', () => {
    const analysis = phaseAnalysis(TABLE, { kind: 'weighted', metrics: [{ ...TD, weight: 0.5 }, { ...LEAKAGE, weight: 0.5 }] }, { samples: 100 });
    assert.equal(analysis.schemes.length, 6);
    analysis.kendall.forEach((row, i) => assert.ok(row[i] === null || Math.abs(row[i]! - 1) < 1e-12));
    // per-metric rankings and the Holm-adjusted map: 3 × 2 ordered pairs per metric
    assert.deepEqual(analysis.perMetric.TD.ranks, [1, 2, 3]);
    assert.equal(analysis.significance.Leakage.length, 6);
    assert.deepEqual(analysis.difficulty.TD.map((d) => d.median), [0.8, 0.7, 0.7, 0.6]);
    const figures = analysisFigures(analysis);
    assert.deepEqual(
      figures.map((f) => f.id),
      ['blob', 'significance-TD', 'significance-Leakage', 'per-metric', 'schemes', 'kendall', 'spread-TD', 'difficulty-TD', 'spread-Leakage', 'difficulty-Leakage'],
    );
    const { document } = parseHTML('<!doctype html><html><body></body></html>') as unknown as { document: FigureDocument };
    for (const figure of figures) {
      const svg = renderFigure(document, figure) as unknown as { tagName: string; outerHTML: string };
      assert.equal(svg.tagName.toLowerCase(), 'svg', figure.id);
      assert.ok(svg.outerHTML.length > 500, figure.id);
    }
  });
});
