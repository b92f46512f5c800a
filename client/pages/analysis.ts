/**
 * A phase's ranking analysis, for its organisers: the leaderboard with rank intervals, then every figure (blob
 * plot, significance maps, rankings per metric, every scheme with Kendall's τ, per-case spread, case difficulty),
 * drawn with the same builders as the downloadable report (ranking/figures/analysis-figures.ts) into this page's
 * document, and the report's downloads (HTML and JSON).
 */
import { renderFigure } from '../../ranking/figures/analysis-figures.ts';
import { phaseAnalysis, reportHtmlUrl, reportJsonUrl } from '../api/analysis.ts';
import { phaseDetail } from '../api/challenges.ts';
import { h, replace } from '../dom.ts';
import type { PageContext } from '../router.ts';
import { pageTitle } from './common.ts';

const oneDecimal = (x: number) => String(Math.round(x * 10) / 10);

export async function analysisPage({ root, params }: PageContext): Promise<void> {
  const phaseId = Number(params.id);
  const [{ phase }, analysis] = await Promise.all([phaseDetail(phaseId), phaseAnalysis(phaseId)]);
  const entries = h(
    'table',
    { 'data-testid': 'analysis-entries' },
    h('thead', {}, h('tr', {}, ['Rank', 'Team', 'Rank interval (95 %)', 'Keeps its rank', 'Imputed cases'].map((label) => h('th', { scope: 'col' }, label)))),
    h(
      'tbody',
      {},
      analysis.entries.map((e) =>
        h(
          'tr',
          {},
          h('td', { class: 'num' }, String(e.rank)),
          h('td', {}, e.team),
          h('td', { class: 'num' }, `${oneDecimal(e.interval[0])}–${oneDecimal(e.interval[1])}`),
          h('td', { class: 'num' }, `${Math.round(e.keepShare * 100)} %`),
          h('td', { class: 'num' }, String(e.imputedCases)),
        ),
      ),
    ),
  );
  const figures = analysis.figures.map((figure) => {
    const section = h('figure', { class: 'analysis-figure', 'data-figure': figure.id }, h('h3', {}, figure.title));
    section.append(renderFigure(document, figure) as unknown as Node);
    section.append(h('figcaption', { class: 'muted small' }, figure.caption));
    return section;
  });
  replace(
    root,
    pageTitle(`Ranking analysis — ${phase.name}`),
    h('p', {}, h('a', { href: `#/phases/${phaseId}/leaderboard` }, 'Back to the leaderboard')),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Challenge report'),
      h('p', {}, `${analysis.entries.length} entries, ${analysis.cases} cases, ${analysis.samples} bootstrap samples (seed ${analysis.seed}), computed in ${analysis.computeMs} ms.`),
      h(
        'p',
        {},
        h('a', { href: reportHtmlUrl(phaseId), download: `phase-${phaseId}-report.html`, 'data-testid': 'report-html' }, 'Download the report (HTML)'),
        ' · ',
        h('a', { href: reportJsonUrl(phaseId), download: `phase-${phaseId}-report.json`, 'data-testid': 'report-json' }, "Every figure's data (JSON)"),
      ),
    ),
    analysis.note ? h('p', { class: 'note', 'data-testid': 'analysis-note' }, analysis.note) : null,
    h('div', { class: 'table-scroll' }, entries),
    h('section', { 'data-testid': 'analysis-figures' }, figures),
  );
}
