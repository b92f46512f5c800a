/**
 * The signed-in user's place in a challenge: create a team or join one with an invite code; once in a team, its
 * status, members and invite code, the data agreement to accept, and leaving.
 */
import { createTeam, joinTeam, leaveTeam, teamDetail } from '../api/teams.ts';
import type { ChallengeDetail } from '../api/types.ts';
import { field, h, replace } from '../dom.ts';
import { agreementNotice } from './agreement-notice.ts';
import { badge, errorNotice } from './common.ts';

type Refresh = () => Promise<void>;

function actionForm(label: string, input: HTMLInputElement, button: string, action: (value: string) => Promise<unknown>, refresh: Refresh): HTMLFormElement {
  const submit = h('button', { type: 'submit' }, button);
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'inline' }, field(label, input), submit, status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    replace(status);
    try {
      await action(input.value.trim());
      await refresh();
    } catch (error) {
      replace(status, errorNotice(error));
      submit.disabled = false;
    }
  });
  return form;
}

export async function teamPanel(detail: ChallengeDetail, refresh: Refresh): Promise<HTMLElement> {
  const team = detail.me?.team;
  if (!team) {
    const name = h('input', { type: 'text', name: 'teamName', required: true, maxlength: 80 });
    const code = h('input', { type: 'text', name: 'inviteCode', required: true, autocomplete: 'off' });
    return h(
      'section',
      { class: 'card', 'data-testid': 'team-panel' },
      h('p', {}, 'You are not in a team of this challenge yet. Create one (you become its captain) or join one with the invite code a member gives you.'),
      h('h3', {}, 'Create a team'),
      actionForm('Team name', name, 'Create team', (value) => createTeam(detail.challenge.slug, value), refresh),
      h('h3', {}, 'Join a team'),
      actionForm('Invite code', code, 'Join team', (value) => joinTeam(value), refresh),
    );
  }
  const full = (await teamDetail(team.id)).team;
  const leave = h('button', { type: 'button', class: 'secondary' }, 'Leave team');
  const status = h('div', { 'aria-live': 'polite' });
  leave.addEventListener('click', async () => {
    if (!window.confirm(`Leave team ${team.name}?`)) return;
    try {
      await leaveTeam(team.id);
      await refresh();
    } catch (error) {
      replace(status, errorNotice(error));
    }
  });
  const agreement =
    detail.challenge.dataAgreement && !detail.me?.agreementAccepted
      ? agreementNotice({ slug: detail.challenge.slug, text: detail.challenge.dataAgreement, purpose: 'Every member must accept it before the team can submit.', heading: 'h3', refresh })
      : null;
  return h(
    'section',
    { class: 'card', 'data-testid': 'team-panel' },
    h('p', {}, h('strong', { 'data-testid': 'team-name' }, team.name), ' ', badge(team.status), team.isCaptain ? h('span', { class: 'muted' }, ' — you are the captain') : null),
    team.statusReason ? h('p', { class: 'muted' }, `Reason: ${team.statusReason}`) : null,
    team.status === 'pending' ? h('p', { class: 'notice' }, 'The organisers review each team; you can submit once they accept yours.') : null,
    full.inviteCode
      ? h('p', {}, 'Invite code (give it to your team-mates): ', h('code', { 'data-testid': 'invite-code' }, full.inviteCode))
      : null,
    full.members?.length
      ? h('ul', {}, full.members.map((m) => h('li', {}, m.displayName, m.isCaptain ? ' (captain)' : '', m.agreementAccepted ? '' : detail.challenge.dataAgreement ? ' — agreement not accepted yet' : '')))
      : null,
    agreement,
    h('div', { class: 'actions' }, leave),
    status,
  );
}
