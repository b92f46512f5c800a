/**
 * The pages mailed links lead to, and the ones around them: "check your e-mail" (after registering, with a resend
 * button), the verification landing (#/verify?token=…), forgot password, reset password (#/reset-password?token=…)
 * and the co-organiser invitations to accept (#/invitations).
 */
import { acceptInvitation, forgotPassword, listInvitations, resendVerification, resetPassword, verifyEmail } from '../api/auth.ts';
import { field, h, replace } from '../dom.ts';
import { navigate, type PageContext } from '../router.ts';
import { session } from '../session.ts';
import { errorNotice, instant, pageTitle, requireSignIn } from './common.ts';

export function checkEmailPage({ root, query }: PageContext): void {
  const email = query.get('email') ?? session.user?.email ?? '';
  const status = h('div', { 'aria-live': 'polite', 'data-testid': 'resend-status' });
  const resend = h('button', { type: 'button', class: 'secondary', 'data-testid': 'resend' }, 'Send the link again');
  resend.addEventListener('click', async () => {
    resend.disabled = true;
    try {
      replace(status, h('p', {}, (await resendVerification(email || undefined)).message));
    } catch (error) {
      replace(status, errorNotice(error));
    } finally {
      resend.disabled = false;
    }
  });
  replace(
    root,
    pageTitle('Check your e-mail'),
    h(
      'div',
      { class: 'stack card', 'data-testid': 'check-email' },
      h('p', {}, email ? `We sent a link to ${email}. ` : 'We sent you a link. ', 'Open it to confirm the address; it works once, for 24 hours.'),
      h('p', { class: 'small' }, 'Until then your account cannot join or create a team, or submit. Nothing arrived? Check the spam folder, or:'),
      h('div', { class: 'actions' }, resend),
      status,
    ),
  );
}

export async function verifyPage({ root, query }: PageContext): Promise<void> {
  replace(root, pageTitle('Confirming your address…'));
  try {
    session.set(await verifyEmail(query.get('token') ?? ''));
    replace(root, pageTitle('Address confirmed'), h('p', { 'data-testid': 'verified' }, 'Thank you: you are signed in. ', h('a', { href: '#/' }, 'Go to the challenges')));
  } catch (error) {
    replace(root, pageTitle('This link does not work'), errorNotice(error), h('p', {}, h('a', { href: '#/check-email' }, 'Ask for a new link'), ' (log in first, or give your address there).'));
  }
}

export function forgotPasswordPage({ root }: PageContext): void {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const status = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Send a reset link');
  const form = h('form', { class: 'stack card' }, field('E-mail', email), status, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      replace(status, h('p', { 'data-testid': 'forgot-sent' }, (await forgotPassword(email.value.trim())).message));
    } catch (error) {
      replace(status, errorNotice(error));
    } finally {
      submit.disabled = false;
    }
  });
  replace(root, pageTitle('Forgot your password?'), form);
  email.focus();
}

export function resetPasswordPage({ root, query }: PageContext): void {
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 200 });
  const status = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Set the new password');
  const form = h('form', { class: 'stack card' }, field('New password', password, '8 to 200 characters; every other session and API token of the account ends'), status, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      session.set(await resetPassword(query.get('token') ?? '', password.value));
      navigate('/');
    } catch (error) {
      replace(status, errorNotice(error));
    } finally {
      submit.disabled = false;
    }
  });
  replace(root, pageTitle('Choose a new password'), form);
  password.focus();
}

export async function invitationsPage({ root }: PageContext): Promise<void> {
  if (!requireSignIn(root, 'accept an invitation')) return;
  if (session.user && !session.user.emailVerified) {
    replace(root, pageTitle('Invitations'), h('p', {}, 'Confirm your e-mail address first: ', h('a', { href: '#/check-email' }, 'send the link again'), '.'));
    return;
  }
  const { invitations } = await listInvitations();
  const list = h('ul', { class: 'stack', 'data-testid': 'invitations' });
  for (const invitation of invitations) {
    const accept = h('button', { type: 'button' }, 'Accept');
    const item = h('li', {}, `Co-organise "${invitation.challengeTitle}" (invited `, instant(invitation.invitedAt), ') ', accept);
    accept.addEventListener('click', async () => {
      accept.disabled = true;
      try {
        const { challengeSlug } = await acceptInvitation(invitation.id);
        navigate(`/challenges/${challengeSlug}`);
      } catch (error) {
        item.append(errorNotice(error));
        accept.disabled = false;
      }
    });
    list.append(item);
  }
  replace(root, pageTitle('Invitations'), invitations.length ? list : h('p', {}, 'No open invitations to your address.'));
}
