/** SQL for users, sessions, API tokens and login attempts (tables of migrations/0001_accounts.sql). */
import type { Pool } from '../db/pool.ts';

export interface UserRow {
  id: number;
  email: string;
  display_name: string;
  password_hash: string;
  is_admin: boolean;
  created_at: Date;
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

/** Inserts a user; undefined when the e-mail is taken. */
export async function insertUser(db: Pool, email: string, displayName: string, passwordHash: string, isAdmin = false): Promise<UserRow | undefined> {
  const result = await db.query<UserRow>(
    `insert into users (email, display_name, password_hash, is_admin) values ($1, $2, $3, $4)
     on conflict (email) do nothing returning *`,
    [email.toLowerCase(), displayName, passwordHash, isAdmin],
  );
  return result.rows[0];
}

/** Creates or updates the start-up organiser account (platform admin). */
export async function upsertAdmin(db: Pool, email: string, passwordHash: string): Promise<UserRow> {
  const result = await db.query<UserRow>(
    `insert into users (email, display_name, password_hash, is_admin) values ($1, $2, $3, true)
     on conflict (email) do update set password_hash = excluded.password_hash, is_admin = true returning *`,
    [email.toLowerCase(), email.split('@')[0], passwordHash],
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
}

export async function insertApiToken(db: Pool, userId: number, name: string, tokenHash: string, prefix: string): Promise<ApiTokenRow> {
  const result = await db.query<ApiTokenRow>(
    `insert into api_tokens (user_id, name, token_hash, prefix) values ($1, $2, $3, $4)
     returning id, user_id, name, prefix, created_at, last_used_at, revoked_at`,
    [userId, name, tokenHash, prefix],
  );
  return result.rows[0];
}

export async function listApiTokens(db: Pool, userId: number): Promise<ApiTokenRow[]> {
  return (
    await db.query<ApiTokenRow>(
      `select id, user_id, name, prefix, created_at, last_used_at, revoked_at from api_tokens
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
    `with t as (update api_tokens set last_used_at = now() where token_hash = $1 and revoked_at is null returning user_id)
     select u.* from users u join t on t.user_id = u.id`,
    [tokenHash],
  );
  return result.rows[0];
}

export async function recordLoginAttempt(db: Pool, key: string, succeeded: boolean): Promise<void> {
  await db.query('insert into login_attempts (key, succeeded) values ($1, $2)', [key, succeeded]);
}

export async function recentFailedLogins(db: Pool, key: string): Promise<number> {
  const result = await db.query<{ n: number }>(
    `select count(*)::int as n from login_attempts where key = $1 and not succeeded and at > now() - interval '1 minute'`,
    [key],
  );
  return result.rows[0].n;
}
