/**
 * A team's score history: one point per finished submission in time order, joined by a line, as an inline SVG
 * string. x is the submission's order (1, 2, …), labelled with its id; y the score. Pure.
 */
import { escapeXml, idOf, niceMax, px, ticks } from './svg.ts';

export interface HistoryPoint {
  label: string;
  value: number;
}

export interface LineChart {
  title: string;
  points: HistoryPoint[];
  yLabel: string;
  /** Lower values are better (mean-rank scores): the axis is drawn reversed so "up" is always better. */
  lowerIsBetter?: boolean;
  width?: number;
  height?: number;
  id?: string;
}

export function lineChartSvg(chart: LineChart): string {
  const width = chart.width ?? 640;
  const height = chart.height ?? 240;
  const margin = { top: 28, right: 16, bottom: 36, left: 52 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const max = niceMax(Math.max(0, ...chart.points.map((p) => p.value)));
  const n = chart.points.length;
  const id = idOf(chart.id ?? chart.title);
  const x = (i: number) => margin.left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const y = (v: number) => {
    const share = Math.min(Math.max(v, 0), max) / max;
    return margin.top + (chart.lowerIsBetter ? share : 1 - share) * plotH;
  };
  const description = chart.points.map((p) => `${p.label}: ${p.value.toFixed(4)}`).join(', ') || 'no finished submission yet';
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d">`,
    `<title id="${id}-t">${escapeXml(chart.title)}</title><desc id="${id}-d">${escapeXml(description)}</desc>`,
    `<text x="${margin.left}" y="16" font-size="13" font-weight="600" fill="#1d2430">${escapeXml(chart.title)}</text>`,
    `<text x="12" y="${margin.top + plotH / 2}" font-size="10" fill="#5b6575" transform="rotate(-90 12 ${margin.top + plotH / 2})" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  ];
  for (const t of ticks(max, 4)) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#e1e5eb"/>`,
      `<text x="${margin.left - 6}" y="${px(y(t) + 4)}" font-size="10" text-anchor="end" fill="#5b6575">${escapeXml(String(Number(t.toFixed(3))))}</text>`,
    );
  }
  if (n > 1) {
    const path = chart.points.map((p, i) => `${i ? 'L' : 'M'}${px(x(i))} ${px(y(p.value))}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="#1f5fa8" stroke-width="2"/>`);
  }
  chart.points.forEach((p, i) => {
    parts.push(
      `<circle cx="${px(x(i))}" cy="${px(y(p.value))}" r="4" fill="#1f5fa8"><title>${escapeXml(`${p.label}: ${p.value.toFixed(4)}`)}</title></circle>`,
      `<text x="${px(x(i))}" y="${height - margin.bottom + 14}" font-size="10" text-anchor="middle" fill="#1d2430">${escapeXml(p.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
