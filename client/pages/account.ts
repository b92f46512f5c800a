/** Personal API tokens: create (shown once), list, revoke. For the `carina` command line and scripts. */
import { createToken, listTokens, revokeToken } from '../api/auth.ts';
import type { ApiToken } from '../api/types.ts';
import { field, h, replace } from '../dom.ts';
import type { PageContext } from '../router.ts';
import { errorNotice, instant, pageTitle, requireSignIn } from './common.ts';

export async function accountPage({ root }: PageContext): Promise<void> {
  if (!requireSignIn(root, 'manage API tokens')) return;
  const list = h('div', {});
  const created = h('div', { 'aria-live': 'polite' });
  const name = h('input', { type: 'text', name: 'tokenName', required: true, maxlength: 80, placeholder: 'e.g. laptop' });
  const submit = h('button', { type: 'submit' }, 'Create token');
  const form = h('form', { class: 'inline' }, field('Token name', name), submit);

  async function refresh(): Promise<void> {
    const { tokens } = await listTokens();
    replace(list, tokens.length ? tokenTable(tokens, refresh) : h('p', { class: 'muted' }, 'No token yet.'));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const token = await createToken(name.value.trim());
      name.value = '';
      const value = h('input', { type: 'text', readonly: true, value: token.token, 'data-testid': 'new-token', size: 60 });
      replace(
        created,
        h('div', { class: 'notice ok' }, h('p', {}, `Token "${token.name}" created. Copy it now: it is shown only this once.`), field('New token', value)),
      );
      value.select();
      await refresh();
    } catch (error) {
      replace(created, errorNotice(error));
    } finally {
      submit.disabled = false;
    }
  });

  replace(
    root,
    pageTitle('API tokens'),
    h('p', {}, 'Tokens let scripts and the ', h('code', {}, 'carina'), ' command submit for you: send ', h('code', {}, 'Authorization: Bearer <token>'), '.'),
    h('section', { class: 'card' }, form, created),
    h('h2', {}, 'Your tokens'),
    list,
  );
  await refresh();
}

function tokenTable(tokens: ApiToken[], refresh: () => Promise<void>): HTMLElement {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Prefix'), h('th', {}, 'Created'), h('th', {}, 'Last used'), h('th', {}, 'State'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Actions')))),
    h(
      'tbody',
      {},
      tokens.map((t) => {
        const revoke = h('button', { type: 'button', class: 'secondary', 'aria-label': `Revoke token ${t.name}` }, 'Revoke');
        revoke.addEventListener('click', async () => {
          revoke.disabled = true;
          await revokeToken(t.id);
          await refresh();
        });
        return h(
          'tr',
          {},
          h('td', {}, t.name),
          h('td', {}, h('code', {}, t.prefix)),
          h('td', {}, instant(t.createdAt)),
          h('td', {}, t.lastUsedAt ? instant(t.lastUsedAt) : '—'),
          h('td', {}, t.revokedAt ? 'revoked' : 'active'),
          h('td', {}, t.revokedAt ? null : revoke),
        );
      }),
    ),
  );
}
