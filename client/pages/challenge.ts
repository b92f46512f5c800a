/**
 * A challenge: its description, its phases (window in the phase's time zone, limits, cases, ranking) with the
 * links each role needs, and the signed-in user's team panel.
 */
import { challengeDetail } from '../api/challenges.ts';
import type { ChallengeDetail, Phase } from '../api/types.ts';
import { h, replace } from '../dom.ts';
import type { PageContext } from '../router.ts';
import { session } from '../session.ts';
import { challengeTabs } from './challenge-tabs.ts';
import { badge, limitsText, pageTitle, phaseWindow, rankingText } from './common.ts';
import { teamPanel } from './team-panel.ts';

export async function challengePage(context: PageContext): Promise<void> {
  const { root, params } = context;
  const render = async () => {
    const detail = await challengeDetail(params.slug);
    replace(
      root,
      pageTitle(detail.challenge.title),
      challengeTabs(detail.challenge.slug, 'overview'),
      detail.challenge.description ? h('p', { class: 'card', style: 'white-space: pre-wrap' }, detail.challenge.description) : null,
      h('h2', {}, 'Phases'),
      detail.phases.length ? phaseTable(detail) : h('p', { class: 'muted' }, 'No phase yet.'),
      h('h2', {}, 'Your team'),
      session.user ? await teamPanel(detail, render) : h('p', {}, h('a', { href: '#/login' }, 'Log in'), ' or ', h('a', { href: '#/register' }, 'register'), ' to take part.'),
    );
  };
  await render();
}

function phaseLinks(phase: Phase, detail: ChallengeDetail): HTMLElement {
  const me = detail.me;
  const accepted = me?.team?.status === 'accepted';
  const agreementMissing = Boolean(detail.challenge.dataAgreement) && !me?.agreementAccepted;
  return h(
    'div',
    { class: 'actions' },
    accepted && phase.state === 'open' && !agreementMissing ? h('a', { class: 'button', href: `#/phases/${phase.id}/submit` }, 'Submit') : null,
    me?.team ? h('a', { href: `#/phases/${phase.id}/submissions` }, 'My submissions') : null,
    h('a', { href: `#/phases/${phase.id}/leaderboard` }, 'Leaderboard'),
    me?.organiser ? h('a', { href: `#/phases/${phase.id}/review` }, 'Review') : null,
    me?.organiser ? h('a', { href: `#/phases/${phase.id}/cases` }, 'Cases') : null,
  );
}

function phaseTable(detail: ChallengeDetail): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { 'data-testid': 'phases' },
      h('thead', {}, h('tr', {}, ['Phase', 'State', 'Window', 'Limits', 'Cases', 'Ranking', ''].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        detail.phases.map((phase) =>
          h(
            'tr',
            {},
            h('td', {}, h('strong', {}, phase.name), h('div', { class: 'muted small' }, phase.kind === 'model' ? 'model upload' : 'mask upload')),
            h('td', {}, badge(phase.state)),
            h('td', {}, phaseWindow(phase)),
            h('td', {}, limitsText(phase)),
            h('td', { class: 'num' }, String(phase.caseCount)),
            h('td', { class: 'small' }, rankingText(phase), phase.resultsVisibility === 'live' ? null : h('div', { class: 'muted' }, phase.resultsVisibility === 'after-close' ? 'results shown after the close' : 'results not shown to teams'), phase.showCaseResults ? (phase.teamsInspectIn3d ? h('div', { class: 'muted' }, 'teams may inspect their cases in 3D') : null) : h('div', { class: 'muted' }, 'per-case results hidden')),
            h('td', {}, phaseLinks(phase, detail)),
          ),
        ),
      ),
    ),
  );
}
