/**
 * SQL for users, sessions, API tokens and the single-use account links (tables of migrations/0001_accounts.sql and
 * 0013_verified_accounts.sql).
 */
import type { Pool, PoolClient } from '../db/pool.ts';

export interface UserRow {
  id: number;
  email: string;
  display_name: string;
  password_hash: string;
  is_admin: boolean;
  created_at: Date;
  /** When the owner proved the address (followed a link sent there); null until then. */
  email_verified_at: Date | null;
}

export async function findUserByEmail(db: Pool, email: string): Promise<UserRow | undefined> {
  return (await db.query<UserRow>('select * from users where email = $1', [email.toLowerCase()])).rows[0];
}

export async function findUserById(db: Pool, id: number): Promise<UserRow | undefined> {
  return (await db.query<UserRow>('select * from users where id = $1', [id])).rows[0];
}

/** The longest-standing platform admin, if any. */
export async function firstAdmin(db: Pool): Promise<UserRow | undefined> {
  return (await db.query<UserRow>('select * from users where is_admin order by id limit 1')).rows[0];
}

/**
 * Inserts a user; undefined when the e-mail is taken. `verified`: the address is known to be the caller's (accounts
 * made by the platform itself: the start-up organiser, the demo seed); registration through the API never sets it.
 */
export async function insertUser(db: Pool, email: string, displayName: string, passwordHash: string, isAdmin = false, verified = false): Promise<UserRow | undefined> {
  const result = await db.query<UserRow>(
    `insert into users (email, display_name, password_hash, is_admin, email_verified_at)
     values ($1, $2, $3, $4, case when $5::boolean then now() end)
     on conflict (email) do nothing returning *`,
    [email.toLowerCase(), displayName, passwordHash, isAdmin, verified],
  );
  return result.rows[0];
}

export async function setPassword(db: Pool, userId: number, passwordHash: string): Promise<void> {
  await db.query('update users set password_hash = $2 where id = $1', [userId, passwordHash]);
}

/** Marks the address verified (idempotent); the row as it is now. */
export async function markVerified(db: Pool, userId: number): Promise<UserRow> {
  return (await db.query<UserRow>('update users set email_verified_at = coalesce(email_verified_at, now()) where id = $1 returning *', [userId])).rows[0];
}

/** Makes a verified account a platform admin; false when it is unverified (it is then left as it is). */
export async function promoteVerifiedToAdmin(db: Pool, userId: number): Promise<boolean> {
  const result = await db.query('update users set is_admin = true where id = $1 and email_verified_at is not null', [userId]);
  return (result.rowCount ?? 0) > 0;
}

/** Ends every session of the account and revokes its API tokens (after a promotion or a password reset). */
export async function revokeCredentials(db: Pool, userId: number): Promise<{ sessions: number; tokens: number }> {
  const sessions = await db.query('delete from sessions where user_id = $1', [userId]);
  const tokens = await db.query('update api_tokens set revoked_at = now() where user_id = $1 and revoked_at is null', [userId]);
  return { sessions: sessions.rowCount ?? 0, tokens: tokens.rowCount ?? 0 };
}

export type AccountTokenPurpose = 'verify' | 'reset';

/** Stores the sha256 of a new single-use link token; earlier unused links of the same purpose stop working. */
export async function insertAccountToken(db: Pool | PoolClient, userId: number, purpose: AccountTokenPurpose, tokenHash: string, ttlMinutes: number): Promise<void> {
  await db.query('delete from account_tokens where user_id = $1 and purpose = $2 and used_at is null', [userId, purpose]);
  await db.query(
    `insert into account_tokens (token_hash, user_id, purpose, expires_at) values ($1, $2, $3, now() + make_interval(mins => $4))`,
    [tokenHash, userId, purpose, ttlMinutes],
  );
}

/** Uses a link token once: its account, or undefined when unknown, expired, used or of another purpose. */
export async function consumeAccountToken(db: Pool, purpose: AccountTokenPurpose, tokenHash: string): Promise<UserRow | undefined> {
  const result = await db.query<UserRow>(
    `with t as (update account_tokens set used_at = now()
                where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now() returning user_id)
     select u.* from users u join t on t.user_id = u.id`,
    [tokenHash, purpose],
  );
  return result.rows[0];
}

export async function insertSession(db: Pool, tokenHash: string, userId: number, csrfToken: string, ttlHours: number): Promise<void> {
  await db.query(
    `insert into sessions (token_hash, user_id, csrf_token, expires_at) values ($1, $2, $3, now() + make_interval(hours => $4))`,
    [tokenHash, userId, csrfToken, ttlHours],
  );
}

export async function findSession(db: Pool, tokenHash: string): Promise<{ user: UserRow; csrfToken: string } | undefined> {
  const result = await db.query<UserRow & { csrf_token: string }>(
    `select u.*, s.csrf_token from sessions s join users u on u.id = s.user_id
     where s.token_hash = $1 and s.expires_at > now()`,
    [tokenHash],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const { csrf_token, ...user } = row;
  return { user, csrfToken: csrf_token };
}

export async function deleteSession(db: Pool, tokenHash: string): Promise<void> {
  await db.query('delete from sessions where token_hash = $1', [tokenHash]);
}

export interface ApiTokenRow {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date;
}

export async function insertApiToken(db: Pool, userId: number, name: string, tokenHash: string, prefix: string, ttlDays: number): Promise<ApiTokenRow> {
  const result = await db.query<ApiTokenRow>(
    `insert into api_tokens (user_id, name, token_hash, prefix, expires_at) values ($1, $2, $3, $4, now() + make_interval(days => $5))
     returning id, user_id, name, prefix, created_at, last_used_at, revoked_at, expires_at`,
    [userId, name, tokenHash, prefix, ttlDays],
  );
  return result.rows[0];
}

export async function listApiTokens(db: Pool, userId: number): Promise<ApiTokenRow[]> {
  return (
    await db.query<ApiTokenRow>(
      `select id, user_id, name, prefix, created_at, last_used_at, revoked_at, expires_at from api_tokens
       where user_id = $1 order by id`,
      [userId],
    )
  ).rows;
}

export async function revokeApiToken(db: Pool, userId: number, id: number): Promise<boolean> {
  const result = await db.query(
    'update api_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 and user_id = $2',
    [id, userId],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function userForApiToken(db: Pool, tokenHash: string): Promise<UserRow | undefined> {
  const result = await db.query<UserRow>(
    `with t as (update api_tokens set last_used_at = now() where token_hash = $1 and revoked_at is null and expires_at > now() returning user_id)
     select u.* from users u join t on t.user_id = u.id`,
    [tokenHash],
  );
  return result.rows[0];
}

/** Housekeeping: expired sessions, used or expired link tokens, expired invitations and throttling counters. */
export async function purgeExpired(db: Pool): Promise<Record<string, number>> {
  const count = async (sql: string, values: unknown[] = []) => (await db.query(sql, values)).rowCount ?? 0;
  return {
    sessions: await count('delete from sessions where expires_at < now()'),
    accountTokens: await count(`delete from account_tokens where expires_at < now() or used_at < now() - interval '1 day'`),
    invitations: await count(`delete from organiser_invitations where accepted_at is null and expires_at < now()`),
    rateLimits: await count('delete from rate_limits where expire < $1', [Date.now()]),
  };
}
