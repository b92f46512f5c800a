/** Create an account: a verification link is mailed, and the next page says so. */
import { register } from '../api/auth.ts';
import { field, h, replace } from '../dom.ts';
import { navigate, type PageContext } from '../router.ts';
import { errorNotice, pageTitle } from './common.ts';

export function registerPage({ root }: PageContext): void {
  const displayName = h('input', { type: 'text', name: 'displayName', autocomplete: 'name', required: true, maxlength: 80 });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 200 });
  const status = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Create account');
  const form = h(
    'form',
    { class: 'stack card' },
    field('Display name', displayName, 'shown to your team and on leaderboards'),
    field('E-mail', email),
    field('Password', password, '8 to 200 characters'),
    status,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    replace(status);
    try {
      await register(email.value.trim(), password.value, displayName.value.trim());
      navigate(`/check-email?${new URLSearchParams({ email: email.value.trim() }).toString()}`);
    } catch (error) {
      replace(status, errorNotice(error));
    } finally {
      submit.disabled = false;
    }
  });
  replace(root, pageTitle('Register'), form, h('p', {}, 'Already registered? ', h('a', { href: '#/login' }, 'Log in')));
  displayName.focus();
}
