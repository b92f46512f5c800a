/** Log in with e-mail and password. */
import { login } from '../api/auth.ts';
import { field, h, replace } from '../dom.ts';
import { navigate, type PageContext } from '../router.ts';
import { session } from '../session.ts';
import { errorNotice, pageTitle } from './common.ts';

export function loginPage({ root, query }: PageContext): void {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const status = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Log in');
  const form = h('form', { class: 'stack card', novalidate: false }, field('E-mail', email), field('Password', password), status, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    replace(status);
    try {
      session.set(await login(email.value.trim(), password.value));
      navigate(query.get('next') ?? '/');
    } catch (error) {
      replace(status, errorNotice(error));
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  replace(root, pageTitle('Log in'), form, h('p', {}, 'No account yet? ', h('a', { href: '#/register' }, 'Register'), ' · ', h('a', { href: '#/forgot-password' }, 'Forgot your password?')));
  email.focus();
}
