/**
 * The mails about an account: the verification link (24 h), the password-reset link (1 h), and the note to an
 * address's owner when someone tries to register it again. Each link carries a random token of which only the
 * sha256 is stored; it works once. The link's token and its mail are written in one transaction (the mail to the
 * outbox, server/mail/), so a link exists exactly when its mail is on its way; a link mail not delivered within the
 * link's lifetime is given up. The throttle is asked first, outside the transaction (its own connection).
 */
import type { AppDeps } from '../app-deps.ts';
import { inTransaction } from '../db/pool.ts';
import { clientLink, queueMail } from '../mail/mailer.ts';
import { randomToken, sha256Hex } from './secrets.ts';
import { insertAccountToken, type UserRow } from './store.ts';
import { mailAllowed } from './throttle.ts';

export const VERIFY_LINK_MINUTES = 24 * 60;
export const RESET_LINK_MINUTES = 60;

/** A one-time link of `kind` for `user` (its token's sha256 stored) and the mail that carries it, in one transaction. */
async function mailAccountLink(
  deps: AppDeps,
  user: UserRow,
  link: { readonly kind: 'verify' | 'reset'; readonly route: string; readonly minutes: number; readonly subject: string },
  text: (url: string) => string,
): Promise<void> {
  if (!(await mailAllowed(deps, user.email))) return;
  const token = randomToken();
  const url = clientLink(deps.config, link.route, { token });
  await inTransaction(deps.db, async (client) => {
    await insertAccountToken(client, user.id, link.kind, sha256Hex(token), link.minutes);
    await queueMail(client, { kind: link.kind, giveUpAfterMinutes: link.minutes, to: user.email, subject: link.subject, text: text(url), links: { [link.kind]: url } });
  });
}

export function sendVerificationMail(deps: AppDeps, user: UserRow): Promise<void> {
  return mailAccountLink(
    deps,
    user,
    { kind: 'verify', route: '/verify', minutes: VERIFY_LINK_MINUTES, subject: 'Carina: confirm your e-mail address' },
    (link) =>
      `Hello ${user.display_name},\n\nplease confirm that ${user.email} is your address by opening this link ` +
      `(valid for 24 hours, once):\n\n${link}\n\nUntil then your account cannot join a team or submit.\n` +
      `If you did not register on Carina, ignore this message.\n`,
  );
}

export function sendResetMail(deps: AppDeps, user: UserRow): Promise<void> {
  return mailAccountLink(
    deps,
    user,
    { kind: 'reset', route: '/reset-password', minutes: RESET_LINK_MINUTES, subject: 'Carina: reset your password' },
    (link) =>
      `Hello ${user.display_name},\n\nsomeone (hopefully you) asked to reset the password of ${user.email}. ` +
      `Choose a new one here (valid for one hour, once):\n\n${link}\n\n` +
      `Setting a new password ends every session and revokes every API token of the account.\n` +
      `If you did not ask for this, ignore this message: your password stays as it is.\n`,
  );
}

/** Registration of an address that has an account: its owner is told instead of the caller. */
export async function sendAlreadyRegisteredMail(deps: AppDeps, user: UserRow): Promise<void> {
  if (!(await mailAllowed(deps, user.email))) return;
  const login = clientLink(deps.config, '/login');
  const forgot = clientLink(deps.config, '/forgot-password');
  // in a transaction too, so this path costs about what the verification's does (registration's timing)
  await inTransaction(deps.db, async (client) => {
    await queueMail(client, {
      kind: 'already-registered',
      to: user.email,
      subject: 'Carina: you already have an account',
      text:
        `Hello ${user.display_name},\n\nsomeone tried to register ${user.email} on Carina, which has an account ` +
        `already. Log in at ${login}, or reset your password at ${forgot}.\nIf this was not you, nothing changed.\n`,
      links: { login, forgot },
    });
  });
}

