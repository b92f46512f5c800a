/**
 * Grouped vertical bars as an inline SVG string: one group per category (a case, a generation), one bar per series
 * (a metric). Used for a submission's per-case metrics and for TD/BD per generation. Every text is escaped; the
 * figure carries a title and a description for screen readers. Pure.
 */
import { escapeXml, idOf, niceMax, px, ticks } from './svg.ts';

export interface BarSeries {
  name: string;
  colour: string;
  /** One value per category; null draws nothing. */
  values: Array<number | null>;
}

export interface BarChart {
  title: string;
  categories: string[];
  series: BarSeries[];
  /** Top of the value axis (default: a round number above the largest value). */
  max?: number;
  unit?: string;
  width?: number;
  height?: number;
  /** Prefix of the SVG's element ids (default: from the title), unique on the page. */
  id?: string;
}

export function barChartSvg(chart: BarChart): string {
  const width = chart.width ?? 640;
  const height = chart.height ?? 260;
  const margin = { top: 28, right: 12, bottom: 44, left: 46 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const all = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = chart.max ?? niceMax(Math.max(0, ...all));
  const groupW = plotW / Math.max(1, chart.categories.length);
  const barW = Math.max(1, (groupW * 0.8) / Math.max(1, chart.series.length));
  const y = (v: number) => margin.top + plotH - (Math.min(Math.max(v, 0), max) / max) * plotH;
  const unit = chart.unit ?? '';
  const id = idOf(chart.id ?? chart.title);
  const parts: string[] = [];
  const description = chart.series
    .map((s) => `${s.name}: ${chart.categories.map((c, i) => `${c} ${s.values[i] === null ? 'none' : `${s.values[i]!.toFixed(2)}${unit}`}`).join(', ')}`)
    .join('; ');
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d">`,
    `<title id="${id}-t">${escapeXml(chart.title)}</title><desc id="${id}-d">${escapeXml(description)}</desc>`,
    `<text x="${margin.left}" y="16" font-size="13" font-weight="600" fill="#1d2430">${escapeXml(chart.title)}</text>`,
  );
  for (const t of ticks(max)) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#e1e5eb"/>`,
      `<text x="${margin.left - 6}" y="${px(y(t) + 4)}" font-size="10" text-anchor="end" fill="#5b6575">${escapeXml(`${Number(t.toFixed(2))}${unit}`)}</text>`,
    );
  }
  chart.categories.forEach((category, c) => {
    const x0 = margin.left + c * groupW + groupW * 0.1;
    chart.series.forEach((s, k) => {
      const v = s.values[c];
      if (v === null || v === undefined) return;
      const top = y(v);
      parts.push(
        `<rect x="${px(x0 + k * barW)}" y="${px(top)}" width="${px(barW * 0.92)}" height="${px(margin.top + plotH - top)}" fill="${escapeXml(s.colour)}"><title>${escapeXml(`${category} — ${s.name}: ${v.toFixed(2)}${unit}`)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${px(margin.left + (c + 0.5) * groupW)}" y="${height - margin.bottom + 14}" font-size="10" text-anchor="middle" fill="#1d2430">${escapeXml(category)}</text>`,
    );
  });
  parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#5b6575"/>`);
  let lx = margin.left;
  for (const s of chart.series) {
    parts.push(
      `<rect x="${lx}" y="${height - 16}" width="10" height="10" fill="${escapeXml(s.colour)}"/>`,
      `<text x="${lx + 14}" y="${height - 7}" font-size="11" fill="#1d2430">${escapeXml(s.name)}</text>`,
    );
    lx += 24 + s.name.length * 7;
  }
  parts.push('</svg>');
  return parts.join('');
}
