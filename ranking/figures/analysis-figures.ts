/**
 * The figures of a phase's ranking analysis, built with Observable Plot from a `document`: the browser's on the
 * analysis page, linkedom's on the server for the challenge report — one code path for both. `analysisFigures`
 * gives each figure's id, title, caption and data (the report's JSON); `renderFigure` draws one as an SVG element.
 * Entries are listed in the order of the phase's ranking.
 */
import * as Plot from '@observablehq/plot';
import type { PhaseAnalysis } from '../phase-analysis.ts';

/** The document Plot draws into (the DOM's Document; typed through Plot so the Node build needs no DOM types). */
export type FigureDocument = NonNullable<Plot.PlotOptions['document']>;
/** What Plot returns: an SVG (or a figure wrapping it) element of that document. */
export type FigureElement = ReturnType<typeof Plot.plot>;

type Row = Record<string, string | number | boolean | null>;

export interface FigureSpec {
  id: string;
  kind: 'blob' | 'significance' | 'per-metric' | 'schemes' | 'kendall' | 'spread' | 'difficulty';
  title: string;
  caption: string;
  /** Entries in ranking order (the x or y domain). */
  order: string[];
  data: Row[];
}

function rankingOrder(analysis: PhaseAnalysis): string[] {
  const ranks = analysis.uncertainty.entries;
  return [...ranks].sort((a, b) => a.rank - b.rank || a.entry.localeCompare(b.entry)).map((x) => x.entry);
}

/** Every figure of the analysis, with its data. */
export function analysisFigures(analysis: PhaseAnalysis): FigureSpec[] {
  const order = rankingOrder(analysis);
  const { uncertainty } = analysis;
  const figures: FigureSpec[] = [];
  figures.push({
    id: 'blob',
    kind: 'blob',
    title: 'Rank distribution (blob plot)',
    caption: `Each entry's ranks under the phase's scheme over ${uncertainty.samples} bootstrap samples of the ${uncertainty.cases} cases: dot area = share of samples, the line spans the 2.5–97.5 % interval, the cross marks the rank on all cases.`,
    order,
    data: uncertainty.entries.flatMap((x) => [
      ...x.rankFrequencies.map((share, r) => ({ entry: x.entry, rank: r + 1, share, lo: x.interval[0], hi: x.interval[1], fullRank: x.rank })).filter((row) => row.share > 0),
    ]),
  });
  for (const metric of analysis.metrics) {
    figures.push({
      id: `significance-${metric.name}`,
      kind: 'significance',
      title: `Significance map: ${metric.name}`,
      caption: `A filled cell: the row's entry is better than the column's on ${metric.name} (${metric.direction} is better), one-sided paired Wilcoxon signed-rank test, Holm-adjusted p ≤ 0.05.`,
      order,
      data: analysis.significance[metric.name].map((t) => ({ winner: t.winner, loser: t.loser, pHolm: t.pHolm, significant: t.significant })),
    });
  }
  figures.push({
    id: 'per-metric',
    kind: 'per-metric',
    title: 'Rankings per metric',
    caption: 'Each entry’s rank on each metric alone (mean over cases, then rank; ties share the better rank).',
    order,
    data: analysis.metrics.flatMap((metric) => analysis.entries.map((entry, e) => ({ entry, metric: metric.name, rank: analysis.perMetric[metric.name].ranks[e], mean: analysis.perMetric[metric.name].means[e] }))),
  });
  figures.push({
    id: 'schemes',
    kind: 'schemes',
    title: 'The same entries under every ranking scheme',
    caption: 'Rank of each entry under each scheme over the same metrics and weights; the first column is the phase’s own scheme.',
    order,
    data: analysis.schemes.flatMap((s) => analysis.entries.map((entry, e) => ({ entry, scheme: s.label, rank: s.ranks[e], score: s.scores[e] }))),
  });
  figures.push({
    id: 'kendall',
    kind: 'kendall',
    title: "Kendall's τ between schemes",
    caption: "Kendall's τ-b between the rankings of each pair of schemes: 1 = identical order, −1 = reversed.",
    order: analysis.schemes.map((s) => s.label),
    data: analysis.schemes.flatMap((a, i) => analysis.schemes.map((b, j) => ({ a: a.label, b: b.label, tau: analysis.kendall[i][j] }))),
  });
  for (const metric of analysis.metrics) {
    figures.push({
      id: `spread-${metric.name}`,
      kind: 'spread',
      title: `Per-case ${metric.name} per entry`,
      caption: `Box plot of each entry's ${metric.name} over the cases (missing or failed cases count with the worst value of the metric).`,
      order,
      data: analysis.entries.flatMap((entry, e) => analysis.spread[metric.name][e].map((value, c) => ({ entry, case: analysis.cases[c], value }))),
    });
    const cases = [...analysis.difficulty[metric.name]].sort((a, b) => (metric.direction === 'higher' ? a.median - b.median : b.median - a.median));
    figures.push({
      id: `difficulty-${metric.name}`,
      kind: 'difficulty',
      title: `Case difficulty: ${metric.name}`,
      caption: `Median ${metric.name} over the entries per case, hardest first; the line spans the worst and best entry.`,
      order: cases.map((c) => c.case),
      data: cases.map((c) => ({ case: c.case, median: c.median, min: c.min, max: c.max })),
    });
  }
  return figures;
}

const FONT = { fontFamily: 'system-ui, sans-serif', fontSize: '11px' };

/** One figure as an SVG element of `document`. */
export function renderFigure(document: FigureDocument, figure: FigureSpec): FigureElement {
  const common = { document, style: FONT, marginLeft: 120, width: 720 };
  const { data, order } = figure;
  const rows = Math.max(order.length, 2);
  switch (figure.kind) {
    case 'blob':
      return Plot.plot({
        ...common,
        height: 60 + rows * 24,
        x: { label: 'rank', domain: [0.5, order.length + 0.5], ticks: Math.min(order.length, 10) },
        y: { domain: order, label: null },
        r: { range: [0, 10], domain: [0, 1] },
        marks: [
          Plot.ruleY(uniqueBy(data, 'entry'), { y: 'entry', x1: 'lo', x2: 'hi', stroke: '#888' }),
          Plot.dot(data, { x: 'rank', y: 'entry', r: 'share', fill: '#2f6db5', fillOpacity: 0.7, title: (d: Row) => `${d.entry}: rank ${d.rank} in ${Math.round(Number(d.share) * 100)} %` }),
          Plot.dot(uniqueBy(data, 'entry'), { x: 'fullRank', y: 'entry', symbol: 'times', stroke: '#c0392b', r: 4 }),
        ],
      });
    case 'significance':
      return Plot.plot({
        ...common,
        height: 80 + rows * 22,
        marginBottom: 90,
        x: { domain: order, label: 'worse entry', tickRotate: -45 },
        y: { domain: order, label: 'better entry' },
        color: { domain: [false, true], range: ['#eeeeee', '#d35400'], legend: false },
        marks: [Plot.cell(data, { x: 'loser', y: 'winner', fill: 'significant', inset: 0.5, title: (d: Row) => `${d.winner} > ${d.loser}: Holm p = ${d.pHolm === null ? 'n/a' : Number(d.pHolm).toPrecision(3)}` })],
      });
    case 'per-metric':
    case 'schemes': {
      const column = figure.kind === 'per-metric' ? 'metric' : 'scheme';
      return Plot.plot({
        ...common,
        height: 80 + rows * 22,
        marginTop: 60,
        x: { axis: 'top', label: null, tickRotate: -20 },
        y: { domain: order, label: null },
        color: { scheme: 'blues', reverse: true, legend: false },
        marks: [Plot.cell(data, { x: column, y: 'entry', fill: 'rank', fillOpacity: 0.5, inset: 0.5 }), Plot.text(data, { x: column, y: 'entry', text: 'rank', fill: 'black' })],
      });
    }
    case 'kendall':
      return Plot.plot({
        ...common,
        marginLeft: 180,
        marginBottom: 110,
        height: 140 + rows * 26,
        x: { domain: order, label: null, tickRotate: -35 },
        y: { domain: order, label: null },
        color: { domain: [-1, 1], scheme: 'rdbu', legend: false },
        marks: [Plot.cell(data, { x: 'b', y: 'a', fill: 'tau', fillOpacity: 0.5, inset: 0.5 }), Plot.text(data, { x: 'b', y: 'a', text: (d: Row) => (d.tau === null ? '–' : Number(d.tau).toFixed(2)) })],
      });
    case 'spread':
      return Plot.plot({
        ...common,
        height: 60 + rows * 24,
        x: { label: figure.title.replace(/^Per-case /, '').replace(/ per entry$/, ''), grid: true },
        y: { domain: order, label: null },
        marks: [Plot.boxX(data, { x: 'value', y: 'entry', fill: '#9ecae1' })],
      });
    case 'difficulty':
      return Plot.plot({
        ...common,
        marginLeft: 50,
        marginBottom: 70,
        height: 300,
        x: { domain: order, label: 'case (hardest first)', tickRotate: -60 },
        y: { label: 'median over entries', grid: true },
        marks: [Plot.ruleX(data, { x: 'case', y1: 'min', y2: 'max', stroke: '#aaa' }), Plot.dot(data, { x: 'case', y: 'median', fill: '#2f6db5' })],
      });
  }
}

function uniqueBy(data: Row[], key: string): Row[] {
  const seen = new Set<unknown>();
  return data.filter((row) => (seen.has(row[key]) ? false : (seen.add(row[key]), true)));
}
