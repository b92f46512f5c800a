/**
 * One submission, live: each case's status (queue position, running stage, done, failed with its reason),
 * refreshed by polling GET /api/submissions/:id until every case has finished — no reload. Then its per-case
 * metrics (when the phase shows them), the aggregate, a per-case bar plot and links to the 3D viewer.
 * A model submission also shows its model runs per case (./model-runs.ts).
 */
import { phaseDetail } from '../api/challenges.ts';
import { submissionModel } from '../api/models.ts';
import { submissionDetail } from '../api/submissions.ts';
import { type SubmissionCase, type SubmissionDetail } from '../api/types.ts';
import { asPercent, metricHeader, phaseMetrics, type MetricInfo } from '../lib/phase-metrics.ts';
import { announce, h, replace, svgElement } from '../dom.ts';
import { caseStatusText, isFinished } from '../lib/case-status.ts';
import { formatMetric } from '../lib/format.ts';
import { barChartSvg } from '../plots/bar-chart.ts';
import type { PageContext } from '../router.ts';
import { badge, instant, pageTitle, poll, requireSignIn } from './common.ts';
import { modelRunsTable } from './model-runs.ts';

export const METRIC_COLOURS: Record<string, string> = { TD: '#1f5fa8', BD: '#2e9e5b', DSC: '#f2a541', Precision: '#8e44ad', Sensitivity: '#d1495b', Specificity: '#5b6575' };
const POLL_MS = 1000;

/** The official ATM'22 code prints TD, BD and DSC with 2 decimals, the others with 3; AIIB23's ratios get 4. */
export const digitsOf = (metric: string) =>
  metric === 'TD' || metric === 'BD' || metric === 'DSC' ? 2 : ['Precision', 'Sensitivity', 'Specificity'].includes(metric) ? 3 : 4;

export async function submissionPage({ root, params, signal }: PageContext): Promise<void> {
  if (!requireSignIn(root, 'see submissions')) return;
  const id = Number(params.id);
  const statusArea = h('div', {});
  const modelArea = h('div', {});
  replace(root, pageTitle(`Submission ${id}`), statusArea, modelArea);
  let lastStatus = '';
  // asked once, of the phase: its kind (a mask submission has no model runs: 404) and its metrics
  let phase: Promise<{ isModel: boolean; metrics: MetricInfo[] }> | undefined;
  poll(signal, POLL_MS, async () => {
    const detail = await submissionDetail(id);
    phase ??= phaseDetail(detail.submission.phase.id).then(
      ({ phase }) => ({ isModel: phase.kind === 'model', metrics: phaseMetrics(phase) }),
      () => ({ isModel: false, metrics: phaseMetrics({}) }),
    );
    const { isModel, metrics } = await phase;
    const model = isModel ? await submissionModel(id).catch(() => null) : null;
    if (signal.aborted) return true;
    replace(statusArea, renderSubmission(detail, metrics));
    if (model) replace(modelArea, modelRunsTable(model.runs));
    if (detail.submission.status !== lastStatus) {
      lastStatus = detail.submission.status;
      announce(`Submission ${id} is ${lastStatus}`);
    }
    return isFinished(detail.submission.status) && detail.cases.every((c) => isFinished(c.status));
  });
}

function renderSubmission({ submission, cases }: SubmissionDetail, metrics: MetricInfo[]): HTMLElement {
  const shown = submission.caseResultsShown;
  const finished = cases.filter((c) => c.status === 'done');
  return h(
    'div',
    {},
    h(
      'p',
      {},
      h('span', { 'data-testid': 'submission-status' }, badge(submission.status)),
      ` ${submission.team.name} · ${submission.phase.name} · submitted `,
      instant(submission.createdAt),
      submission.finishedAt ? [' · finished ', instant(submission.finishedAt)] : null,
      ' · ',
      h('a', { href: `#/phases/${submission.phase.id}/submissions` }, 'all my submissions'),
      ' · ',
      h('a', { href: `#/phases/${submission.phase.id}/leaderboard` }, 'leaderboard'),
    ),
    submission.note ? h('p', { class: 'muted' }, `Note: ${submission.note}`) : null,
    submission.warnings?.length ? h('div', { class: 'notice warn' }, h('ul', { class: 'problems' }, submission.warnings.map((w) => h('li', {}, w.warning)))) : null,
    submission.hidden ? h('p', { class: 'notice warn' }, `Hidden from the leaderboard: ${submission.hiddenReason ?? ''}`) : null,
    submission.disqualified ? h('p', { class: 'notice error' }, `Disqualified: ${submission.disqualifiedReason ?? ''}`) : null,
    h('div', { class: 'table-scroll' }, caseTable(cases, shown, submission.aggregate, metrics)),
    shown ? null : h('p', { class: 'muted' }, 'This phase does not show per-case results; the mean over the cases appears once every case is scored.'),
    shown && finished.length
      ? h(
          'div',
          { class: 'plot', 'data-testid': 'case-metrics-plot' },
          svgElement(
            barChartSvg({
              title: 'Metrics per case (%)',
              categories: finished.map((c) => c.case),
              series: metrics.slice(0, 4).map((m, n) => ({
                name: metricHeader(m),
                colour: METRIC_COLOURS[m.name] ?? Object.values(METRIC_COLOURS)[n],
                values: finished.map((c) => asPercent(m, typeof c.metrics?.[m.name] === 'number' ? (c.metrics[m.name] as number) : null)),
              })),
              max: 100,
            }),
          ),
        )
      : null,
  );
}

function caseTable(cases: SubmissionCase[], shown: boolean, aggregate: SubmissionDetail['submission']['aggregate'], metrics: MetricInfo[]): HTMLElement {
  return h(
    'table',
    { 'data-testid': 'case-status' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Case'), h('th', {}, 'File'), h('th', {}, 'Status'), metrics.map((m) => h('th', { class: 'num', title: m.label }, metricHeader(m))), h('th', {}, '3D'))),
    h(
      'tbody',
      {},
      cases.map((c) =>
        h(
          'tr',
          { 'data-case': c.case, 'data-status': c.status },
          h('td', {}, c.case),
          h('td', {}, c.file ?? '—'),
          h('td', { class: c.status === 'failed' ? 'error' : '' }, badge(c.status), ' ', h('span', { class: 'small' }, caseStatusText(c))),
          metrics.map(({ name }) => h('td', { class: 'num', 'data-metric': name }, shown ? formatMetric(c.metrics?.[name] as number | undefined, digitsOf(name)) : '·')),
          h('td', {}, c.inspectable && c.evaluationId ? h('a', { href: `#/evaluations/${c.evaluationId}`, 'aria-label': `Open case ${c.case} in 3D` }, 'View') : '—'),
        ),
      ),
    ),
    aggregate
      ? h(
          'tfoot',
          {},
          h(
            'tr',
            {},
            h('th', { colspan: 3 }, `Mean ± SD over ${aggregate.cases} case${aggregate.cases === 1 ? '' : 's'}`),
            metrics.map(({ name }) => h('td', { class: 'num', 'data-mean': name }, `${formatMetric(aggregate.mean[name], 3)} ± ${formatMetric(aggregate.std[name], 3)}`)),
            h('td', {}),
          ),
        )
      : null,
  );
}
