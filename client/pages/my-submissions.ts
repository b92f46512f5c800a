/** The team's submissions to a phase, newest first, with their means and the team's score history. */
import { phaseDetail } from '../api/challenges.ts';
import { mySubmissions } from '../api/submissions.ts';
import { type SubmissionSummary } from '../api/types.ts';
import { metricHeader, phaseMetrics, type MetricInfo } from '../lib/phase-metrics.ts';
import { h, replace, svgElement } from '../dom.ts';
import { formatMetric } from '../lib/format.ts';
import { historyMeasure, scoreHistory } from '../lib/score-history.ts';
import { lineChartSvg } from '../plots/line-chart.ts';
import type { PageContext } from '../router.ts';
import { badge, instant, pageTitle, poll, requireSignIn } from './common.ts';
import { digitsOf } from './submission.ts';

export async function mySubmissionsPage({ root, params, signal }: PageContext): Promise<void> {
  if (!requireSignIn(root, 'see your submissions')) return;
  const phaseId = Number(params.id);
  const { phase } = await phaseDetail(phaseId);
  const body = h('div', {});
  replace(
    root,
    pageTitle(`My submissions — ${phase.name}`),
    h('p', {}, h('a', { href: `#/challenges/${encodeURIComponent(phase.challengeSlug)}` }, 'Back to the challenge'), ' · ', h('a', { href: `#/phases/${phaseId}/leaderboard` }, 'Leaderboard'), phase.state === 'open' ? [' · ', h('a', { href: `#/phases/${phaseId}/submit` }, 'Submit')] : null),
    body,
  );
  poll(signal, 3000, async () => {
    const { team, submissions } = await mySubmissions(phaseId);
    if (signal.aborted) return true;
    const history = scoreHistory(phase.ranking, submissions);
    replace(
      body,
      h('p', {}, `Team ${team.name}.`),
      submissions.length ? submissionTable(submissions, phaseMetrics(phase)) : h('p', { class: 'muted' }, 'No submission yet.'),
      h('h2', {}, 'Score history'),
      h('p', { class: 'muted small' }, `Each finished submission in time order: ${historyMeasure(phase.ranking)}.`),
      h(
        'div',
        { class: 'plot', 'data-testid': 'score-history' },
        svgElement(lineChartSvg({ title: `${team.name}: score history`, yLabel: phase.ranking.scheme === 'weighted' ? 'score' : 'mean of ranked metrics', points: history.map((p) => ({ label: `#${p.submissionId}`, value: p.value })) })),
      ),
    );
    return submissions.every((s) => s.status === 'done' || s.status === 'failed');
  });
}

function submissionTable(submissions: SubmissionSummary[], metrics: MetricInfo[]): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { 'data-testid': 'my-submissions' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Submission'), h('th', {}, 'Submitted'), h('th', {}, 'Status'), metrics.map((m) => h('th', { class: 'num', title: m.label }, `mean ${metricHeader(m)}`)), h('th', {}, 'Note'))),
      h(
        'tbody',
        {},
        submissions.map((s) =>
          h(
            'tr',
            {},
            h('td', {}, h('a', { href: `#/submissions/${s.id}` }, `#${s.id}`)),
            h('td', {}, instant(s.createdAt)),
            h('td', {}, badge(s.status), s.hidden ? ' hidden' : '', s.disqualified ? ' disqualified' : '', s.countsTowardQuota ? '' : h('div', { class: 'muted small' }, 'does not count toward the quota')),
            metrics.map(({ name }) => h('td', { class: 'num' }, s.aggregate ? formatMetric(s.aggregate.mean[name], digitsOf(name)) : '—')),
            h('td', { class: 'small' }, s.note ?? ''),
          ),
        ),
      ),
    ),
  );
}
