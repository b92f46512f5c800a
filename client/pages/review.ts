/**
 * Organisers' review of a phase: every submission with its per-case results, hide / disqualify with a reason,
 * re-evaluate (a candidate run to publish or discard), and the CSV / JSON exports.
 */
import { phaseDetail } from '../api/challenges.ts';
import {
  discardRun,
  disqualifySubmission,
  exportLinks,
  hideSubmission,
  phaseRuns,
  publishRun,
  reevaluateSubmission,
  reviewSubmissions,
} from '../api/review.ts';
import { type ReviewedSubmission, type Run } from '../api/types.ts';
import { metricHeader, phaseMetrics, type MetricInfo } from '../lib/phase-metrics.ts';
import { field, h, replace, svgElement } from '../dom.ts';
import { formatMetric } from '../lib/format.ts';
import { ratesFromMetric } from '../lib/per-generation.ts';
import { barChartSvg } from '../plots/bar-chart.ts';
import type { PageContext } from '../router.ts';
import { badge, errorNotice, instant, pageTitle, requireSignIn } from './common.ts';
import { digitsOf } from './submission.ts';

export async function reviewPage({ root, params }: PageContext): Promise<void> {
  if (!requireSignIn(root, 'review submissions')) return;
  const phaseId = Number(params.id);
  const { phase } = await phaseDetail(phaseId);
  const body = h('div', {});
  const status = h('div', { 'aria-live': 'polite' });

  async function refresh(): Promise<void> {
    const [{ submissions }, { runs }] = await Promise.all([reviewSubmissions(phaseId), phaseRuns(phaseId)]);
    replace(body, runsSection(runs, refresh, status), h('h2', {}, `Submissions (${submissions.length})`), submissionsTable(submissions, refresh, status, phaseMetrics(phase)));
  }

  replace(
    root,
    pageTitle(`Review — ${phase.name}`),
    h(
      'p',
      { class: 'actions' },
      h('a', { href: `#/challenges/${encodeURIComponent(phase.challengeSlug)}` }, 'Back to the challenge'),
      h('a', { href: `#/phases/${phaseId}/cases` }, 'Cases'),
      h('a', { href: `#/phases/${phaseId}/leaderboard?all=1` }, 'Leaderboard (all entries)'),
      ...exportLinks(phaseId).map((l) => h('a', { class: 'button secondary', href: l.href, download: '' }, l.label)),
    ),
    status,
    body,
  );
  await refresh();
}

function runsSection(runs: Run[], refresh: () => Promise<void>, status: HTMLElement): HTMLElement | null {
  const open = runs.filter((r) => r.status === 'running' || r.status === 'ready');
  if (!open.length) return null;
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Re-evaluation runs awaiting a decision'),
    h(
      'ul',
      {},
      open.map((run) => {
        const publish = h('button', { type: 'button', disabled: run.status !== 'ready' }, 'Publish');
        const discard = h('button', { type: 'button', class: 'secondary' }, 'Discard');
        publish.addEventListener('click', () => act(status, () => publishRun(run.id), refresh, `run ${run.id} published`));
        discard.addEventListener('click', () => act(status, () => discardRun(run.id), refresh, `run ${run.id} discarded`));
        return h('li', {}, `Run ${run.id} (${run.scope}${run.submissionId ? ` #${run.submissionId}` : ''}): ${run.reason} `, badge(run.status), ' ', publish, ' ', discard);
      }),
    ),
  );
}

async function act(status: HTMLElement, action: () => Promise<unknown>, refresh: () => Promise<void>, done: string): Promise<void> {
  replace(status);
  try {
    await action();
    replace(status, h('p', { class: 'notice ok' }, done));
    await refresh();
  } catch (error) {
    replace(status, errorNotice(error));
  }
}

function moderation(s: ReviewedSubmission, refresh: () => Promise<void>, status: HTMLElement): HTMLElement {
  const reason = h('input', { type: 'text', name: `reason-${s.id}`, maxlength: 500 });
  const needReason = (what: string) => {
    if (reason.value.trim()) return true;
    replace(status, h('p', { class: 'notice error', role: 'alert' }, `Give a reason to ${what} submission ${s.id}.`));
    reason.focus();
    return false;
  };
  const button = (label: string, onClick: () => void, kind = 'secondary') => {
    const b = h('button', { type: 'button', class: kind }, label);
    b.addEventListener('click', onClick);
    return b;
  };
  return h(
    'details',
    {},
    h('summary', {}, 'Moderate'),
    h(
      'div',
      { class: 'stack' },
      field('Reason', reason, 'recorded in the audit log'),
      h(
        'div',
        { class: 'actions' },
        s.hidden
          ? button('Unhide', () => act(status, () => hideSubmission(s.id, false, reason.value.trim()), refresh, `submission ${s.id} shown again`))
          : button('Hide', () => needReason('hide') && act(status, () => hideSubmission(s.id, true, reason.value.trim()), refresh, `submission ${s.id} hidden`)),
        s.disqualified
          ? button('Requalify', () => act(status, () => disqualifySubmission(s.id, false, reason.value.trim()), refresh, `submission ${s.id} requalified`))
          : button('Disqualify', () => needReason('disqualify') && act(status, () => disqualifySubmission(s.id, true, reason.value.trim()), refresh, `submission ${s.id} disqualified`), 'danger'),
        button('Re-evaluate', () => needReason('re-evaluate') && act(status, () => reevaluateSubmission(s.id, reason.value.trim()), refresh, `re-evaluation of submission ${s.id} queued`)),
      ),
    ),
  );
}

function caseDetails(s: ReviewedSubmission, metrics: MetricInfo[]): HTMLElement {
  return h(
    'details',
    {},
    h('summary', {}, `${s.cases.length} case${s.cases.length === 1 ? '' : 's'}`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Case'), h('th', {}, 'Status'), metrics.map((m) => h('th', { class: 'num', title: m.label }, metricHeader(m))), h('th', {}, 'Error'), h('th', {}, '3D'))),
      h(
        'tbody',
        {},
        s.cases.map((c) =>
          h(
            'tr',
            {},
            h('td', {}, c.case),
            h('td', {}, badge(c.status)),
            metrics.map(({ name }) => h('td', { class: 'num' }, formatMetric(c.metrics?.[name] as number | undefined, digitsOf(name)))),
            h('td', { class: 'small' }, c.error ? `${c.error.code ?? ''} (${c.error.owner ?? '?'}): ${c.error.message ?? ''}` : ''),
            h('td', {}, c.evaluationId && c.status === 'done' ? h('a', { href: `#/evaluations/${c.evaluationId}` }, 'View') : '—'),
          ),
        ),
      ),
    ),
    ...s.cases
      .filter((c) => Array.isArray(c.metrics?.per_generation))
      .map((c) => {
        const rates = ratesFromMetric(c.metrics!.per_generation as Array<{ generation: number; branches: number; detected: number }>);
        return h(
          'div',
          { class: 'plot' },
          svgElement(barChartSvg({ id: `bd-${s.id}-${c.caseId}`, title: `${c.case}: branches detected per generation (%)`, categories: rates.map((r) => `G${r.generation}`), series: [{ name: 'BD', colour: '#2e9e5b', values: rates.map((r) => r.branchesDetected) }], max: 100 })),
        );
      }),
  );
}

function submissionsTable(submissions: ReviewedSubmission[], refresh: () => Promise<void>, status: HTMLElement, metrics: MetricInfo[]): HTMLElement {
  if (!submissions.length) return h('p', { class: 'muted' }, 'No submission yet.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { 'data-testid': 'review-table' },
      h('thead', {}, h('tr', {}, ['#', 'Team', 'By', 'Submitted', 'Status', ...metrics.map((m) => `mean ${metricHeader(m)}`), 'Flags', 'Cases', 'Actions'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        submissions.map((s) =>
          h(
            'tr',
            { class: s.hidden || s.disqualified ? 'excluded' : '', 'data-submission': s.id },
            h('td', {}, String(s.id)),
            h('td', {}, s.team.name),
            h('td', {}, s.submittedBy.displayName),
            h('td', {}, instant(s.createdAt)),
            h('td', {}, badge(s.status)),
            metrics.map(({ name }) => h('td', { class: 'num' }, s.aggregate ? formatMetric(s.aggregate.mean[name], digitsOf(name)) : '—')),
            h('td', { class: 'small' }, s.hidden ? h('div', {}, `hidden: ${s.hiddenReason ?? ''}`) : null, s.disqualified ? h('div', { class: 'error' }, `disqualified: ${s.disqualifiedReason ?? ''}`) : null),
            h('td', {}, caseDetails(s, metrics)),
            h('td', {}, moderation(s, refresh, status)),
          ),
        ),
      ),
    ),
  );
}
