/** The header navigation: what a visitor or a signed-in user can reach from anywhere, and log out. */
import { logout } from './api/auth.ts';
import type { User } from './api/types.ts';
import { h, replace } from './dom.ts';
import { navigate } from './router.ts';
import { session } from './session.ts';

export function renderNav(user: User | null): void {
  const nav = document.getElementById('site-nav');
  if (!nav) return;
  if (!user) {
    replace(nav, h('a', { href: '#/' }, 'Challenges'), h('span', { class: 'spacer' }), h('a', { href: '#/login' }, 'Log in'), h('a', { href: '#/register' }, 'Register'));
    return;
  }
  const logOut = h('button', { type: 'button', class: 'secondary', 'data-testid': 'logout' }, 'Log out');
  logOut.addEventListener('click', async () => {
    logOut.disabled = true;
    try {
      await logout();
    } finally {
      session.set(null);
      navigate('/');
    }
  });
  replace(
    nav,
    h('a', { href: '#/' }, 'Challenges'),
    h('a', { href: '#/account' }, 'API tokens'),
    h('a', { href: '#/invitations' }, 'Invitations'),
    ...(user.emailVerified ? [] : [h('a', { href: '#/check-email', class: 'small', 'data-testid': 'verify-email' }, 'Confirm your e-mail address')]),
    h('span', { class: 'spacer' }),
    h('span', { class: 'small', 'data-testid': 'signed-in-as' }, `Signed in as ${user.displayName}`),
    logOut,
  );
}
