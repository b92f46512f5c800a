/** Accounts, sessions and personal API tokens: /api/auth/* and /api/tokens. */
import { z } from 'zod';
import { Id, Instant } from './common.ts';

const email = z.string().trim().toLowerCase().email('must be an e-mail address').max(254);
const password = z.string().min(8, 'must have at least 8 characters').max(200);

export const RegisterBody = z.object({ email, password, displayName: z.string().trim().min(1).max(80) });
export const LoginBody = z.object({ email, password: z.string().min(1).max(200) });
export const TokenBody = z.object({ name: z.string().trim().min(1).max(80) });

export const User = z.strictObject({ id: Id, email: z.string(), displayName: z.string(), isAdmin: z.boolean() });
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
});
export type ApiToken = z.infer<typeof ApiToken>;

/** The new token, shown this once. */
export const NewTokenReply = z.strictObject({ id: Id, name: z.string(), prefix: z.string(), createdAt: Instant, token: z.string() });
export type NewTokenReply = z.infer<typeof NewTokenReply>;
export const TokensReply = z.strictObject({ tokens: z.array(ApiToken) });
export type TokensReply = z.infer<typeof TokensReply>;
