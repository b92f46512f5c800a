/**
 * The start-up organiser (CARINA_ORGANISER=email:password), without the take-over by pre-registration: anyone may
 * register any address, so an account's existence proves nothing; only a verified address does. The rule:
 * - no account for the address: it is created, verified, as a platform admin with the configured password;
 * - a verified account: it becomes (or stays) an admin with the configured password; a promotion ends its
 *   sessions and revokes its API tokens (they were issued to a non-admin);
 * - an UNVERIFIED account (someone registered the address, maybe not its owner): it is NOT promoted. Its password
 *   becomes the configured one and its sessions and API tokens are revoked, so whoever registered it loses it; a
 *   verification link is mailed to the address and the fact is logged as an error. When the address's owner opens
 *   the link, the account is promoted then (POST /api/auth/verify calls promoteConfiguredOrganiser).
 */
import { logEvent } from '../../evaluator/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { sendVerificationMail } from './account-mail.ts';
import { hashPassword, verifyPassword } from './secrets.ts';
import { findUserByEmail, findUserById, insertUser, promoteVerifiedToAdmin, revokeCredentials, setPassword, type UserRow } from './store.ts';

export type BootstrapOutcome = 'created' | 'promoted' | 'updated' | 'unchanged' | 'not-promoted-unverified';

export async function ensureConfiguredOrganiser(deps: AppDeps): Promise<BootstrapOutcome | undefined> {
  const organiser = deps.config.organiser;
  if (!organiser) return undefined;
  const existing = await findUserByEmail(deps.db, organiser.email);
  if (!existing) {
    const created = await insertUser(deps.db, organiser.email, organiser.email.split('@')[0], await hashPassword(organiser.password), true, true);
    if (created) {
      logEvent('info', 'organiser account created', { email: organiser.email });
      return 'created';
    }
    return ensureConfiguredOrganiser(deps); // registered in between: decide on the row as it is
  }
  const samePassword = await verifyPassword(existing.password_hash, organiser.password);
  if (!samePassword) await setPassword(deps.db, existing.id, await hashPassword(organiser.password));
  if (existing.email_verified_at === null) {
    const revoked = await revokeCredentials(deps.db, existing.id);
    await sendVerificationMail(deps, existing);
    logEvent('error', 'CARINA_ORGANISER NOT promoted: an account with this address exists but its address was never verified', {
      email: organiser.email,
      userId: existing.id,
      fix: 'open the verification link just mailed to this address (without SMTP_URL: the newest .eml in the outbox); the account becomes admin then. Its password is now the configured one; its sessions and API tokens were revoked.',
      outbox: deps.config.smtpUrl ? undefined : deps.config.mailOutboxDir,
      revoked,
    });
    return 'not-promoted-unverified';
  }
  if (!existing.is_admin) {
    await promoteVerifiedToAdmin(deps.db, existing.id);
    const revoked = await revokeCredentials(deps.db, existing.id);
    logEvent('warn', 'organiser account promoted to platform admin: its sessions and API tokens were revoked', { email: organiser.email, revoked });
    return 'promoted';
  }
  logEvent('info', 'organiser account ready', { email: organiser.email });
  return samePassword ? 'unchanged' : 'updated';
}

/**
 * After an address is verified: promotes the account if it is the configured organiser's (ending its earlier
 * sessions and tokens). The promoted row, or undefined when nothing changed.
 */
export async function promoteConfiguredOrganiser(deps: AppDeps, user: UserRow): Promise<UserRow | undefined> {
  if (user.is_admin || user.email !== deps.config.organiser?.email) return undefined;
  if (!(await promoteVerifiedToAdmin(deps.db, user.id))) return undefined;
  const revoked = await revokeCredentials(deps.db, user.id);
  logEvent('warn', 'organiser account verified and promoted to platform admin: its sessions and API tokens were revoked', { email: user.email, revoked });
  return findUserById(deps.db, user.id);
}
