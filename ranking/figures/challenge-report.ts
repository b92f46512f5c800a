/**
 * The challenge report: one self-contained HTML file (inline CSS and SVG, no script, no external request) with
 * the leaderboard and its rank intervals, every figure of the analysis (analysis-figures.ts, drawn into the given
 * `document`: linkedom's on the server, the same builders as the analysis page in the browser), the phase's
 * settings and the evaluator and gold-standard versions used. Every text is escaped.
 */
import { renderFigure, type FigureDocument, type FigureSpec } from './analysis-figures.ts';

export interface ReportInput {
  title: string;
  generatedAt: string;
  /** Label → value, in order. */
  settings: Array<[string, string]>;
  leaderboard: { headers: string[]; rows: string[][] };
  note: string | null;
  /** What was used to score: label → value (evaluator versions, gold standards per case). */
  versions: Array<[string, string]>;
  figures: FigureSpec[];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;font-variant-numeric:tabular-nums}
figure{margin:1.5rem 0}figcaption{color:#555;font-size:.9rem;max-width:720px}.note{background:#fff6db;padding:.5rem .75rem;border-left:4px solid #e0a800}
svg{max-width:100%;height:auto}`;

function table(headers: string[], rows: string[][]): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  return `<table>${head}${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

/** The figure as markup: Plot's SVG inside a <figure> with its title and caption. */
export function figureHtml(document: FigureDocument, figure: FigureSpec): string {
  const element = renderFigure(document, figure) as unknown as { outerHTML: string };
  return `<figure id="figure-${escapeHtml(figure.id)}" data-figure="${escapeHtml(figure.id)}"><h3>${escapeHtml(figure.title)}</h3>${element.outerHTML}<figcaption>${escapeHtml(figure.caption)}</figcaption></figure>`;
}

export function challengeReportHtml(document: FigureDocument, input: ReportInput): string {
  const settings = table(['setting', 'value'], input.settings.map(([k, v]) => [k, v]));
  const versions = table(['item', 'version'], input.versions.map(([k, v]) => [k, v]));
  const note = input.note ? `<p class="note">${escapeHtml(input.note)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p>Generated ${escapeHtml(input.generatedAt)} by Carina. Every figure's data is in the companion JSON file.</p>
<h2>Leaderboard</h2>${note}${table(input.leaderboard.headers, input.leaderboard.rows)}
<h2>Ranking analysis</h2>
${input.figures.map((f) => figureHtml(document, f)).join('\n')}
<h2>Phase settings</h2>${settings}
<h2>Evaluator and gold standards</h2>${versions}
</body></html>
`;
}
