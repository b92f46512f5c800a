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

export async function sendVerificationMail(deps: AppDeps, user: UserRow): Promise<void> {
  if (!(await mailAllowed(deps, user.email))) return;
  const token = randomToken();
  const link = clientLink(deps.config, '/verify', { token });
  await inTransaction(deps.db, async (client) => {
    await insertAccountToken(client, user.id, 'verify', sha256Hex(token), VERIFY_LINK_MINUTES);
    await queueMail(client, {
      kind: 'verify',
      giveUpAfterMinutes: VERIFY_LINK_MINUTES,
      to: user.email,
      subject: 'Carina: confirm your e-mail address',
      text:
        `Hello ${user.display_name},\n\nplease confirm that ${user.email} is your address by opening this link ` +
        `(valid for 24 hours, once):\n\n${link}\n\nUntil then your account cannot join a team or submit.\n` +
        `If you did not register on Carina, ignore this message.\n`,
      links: { verify: link },
    });
  });
}

export async function sendResetMail(deps: AppDeps, user: UserRow): Promise<void> {
  if (!(await mailAllowed(deps, user.email))) return;
  const token = randomToken();
  const link = clientLink(deps.config, '/reset-password', { token });
  await inTransaction(deps.db, async (client) => {
    await insertAccountToken(client, user.id, 'reset', sha256Hex(token), RESET_LINK_MINUTES);
    await queueMail(client, {
      kind: 'reset',
      giveUpAfterMinutes: RESET_LINK_MINUTES,
      to: user.email,
      subject: 'Carina: reset your password',
      text:
        `Hello ${user.display_name},\n\nsomeone (hopefully you) asked to reset the password of ${user.email}. ` +
        `Choose a new one here (valid for one hour, once):\n\n${link}\n\n` +
        `Setting a new password ends every session and revokes every API token of the account.\n` +
        `If you did not ask for this, ignore this message: your password stays as it is.\n`,
      links: { reset: link },
    });
  });
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

