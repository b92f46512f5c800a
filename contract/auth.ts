/** Accounts, sessions and personal API tokens: /api/auth/* and /api/tokens. */
import { z } from 'zod';
import { Id, Instant } from './common.ts';

const email = z.string().trim().toLowerCase().email('must be an e-mail address').max(254);
const password = z.string().min(8, 'must have at least 8 characters').max(200);

export const RegisterBody = z.object({ email, password, displayName: z.string().trim().min(1).max(80) });
export const LoginBody = z.object({ email, password: z.string().min(1).max(200) });
export const TokenBody = z.object({ name: z.string().trim().min(1).max(80) });
/** A single-use link token from a mail (verification, password reset). */
const linkToken = z.string().min(20).max(200);
export const VerifyBody = z.object({ token: linkToken });
export const ResetPasswordBody = z.object({ token: linkToken, password });
/** Forgot password, or resend the verification link: the address (a signed-in caller may leave it out to resend). */
export const EmailBody = z.object({ email: email.optional() });

/**
 * The answer to register, forgot-password and resend-verification: the same whether or not an account exists for
 * the address (the mail goes to the address's owner), so the API never tells who has an account.
 */
export const MailSentReply = z.strictObject({ message: z.string() });
export type MailSentReply = z.infer<typeof MailSentReply>;

export const User = z.strictObject({ id: Id, email: z.string(), displayName: z.string(), isAdmin: z.boolean(), emailVerified: z.boolean() });
export type User = z.infer<typeof User>;

/** Register, log in and "who am I": the user and the CSRF token (null for Bearer callers). */
export const SessionReply = z.strictObject({ user: User, csrfToken: z.string().nullable() });
export type SessionReply = z.infer<typeof SessionReply>;

export const ApiToken = z.strictObject({
  id: Id,
  name: z.string(),
  prefix: z.string(),
  createdAt: Instant,
  lastUsedAt: Instant.nullable(),
  revokedAt: Instant.nullable(),
  expiresAt: Instant,
});
export type ApiToken = z.infer<typeof ApiToken>;

/** The new token, shown this once. */
export const NewTokenReply = z.strictObject({ id: Id, name: z.string(), prefix: z.string(), createdAt: Instant, expiresAt: Instant, token: z.string() });
export type NewTokenReply = z.infer<typeof NewTokenReply>;
export const TokensReply = z.strictObject({ tokens: z.array(ApiToken) });
export type TokensReply = z.infer<typeof TokensReply>;

/** An invitation to co-organise a challenge, addressed to the caller's verified address. */
export const Invitation = z.strictObject({ id: Id, challengeSlug: z.string(), challengeTitle: z.string(), invitedAt: Instant, expiresAt: Instant });
export type Invitation = z.infer<typeof Invitation>;
export const InvitationsReply = z.strictObject({ invitations: z.array(Invitation) });
export type InvitationsReply = z.infer<typeof InvitationsReply>;
export const InvitationAcceptedReply = z.strictObject({ challengeSlug: z.string() });
export type InvitationAcceptedReply = z.infer<typeof InvitationAcceptedReply>;
