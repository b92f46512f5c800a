/**
 * Single-use download URLs (a release's urls.txt): 32 random bytes, kept only as their sha256, valid for an hour
 * and spent by the first request that presents them. The holder still needs access when they use it: the
 * token names the user, whose access is decided again then.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../challenges/queryable.ts';

export const TOKEN_LIFETIME_S = 3600;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export async function issueDownloadTokens(db: Queryable, userId: number, fileIds: readonly number[]): Promise<Map<number, string>> {
  const tokens = new Map<number, string>();
  for (const fileId of fileIds) tokens.set(fileId, randomBytes(32).toString('base64url'));
  await db.query(
    `insert into release_download_tokens (token_sha256, file_id, user_id, expires_at)
     select t, f, $3, now() + make_interval(secs => $4) from unnest($1::text[], $2::bigint[]) as x(t, f)`,
    [[...tokens.values()].map(digest), [...tokens.keys()], userId, TOKEN_LIFETIME_S],
  );
  return tokens;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The file and user a live token names, without spending it, or undefined when it is unknown, spent or expired: the
 * route decides access and takes a download slot first, so a refusal (429 when the team's slots are taken) leaves
 * the link usable.
 */
export async function findDownloadToken(db: Queryable, token: string): Promise<{ fileId: number; userId: number } | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const result = await db.query<{ file_id: number; user_id: number }>(
    'select file_id, user_id from release_download_tokens where token_sha256 = $1 and used_at is null and expires_at > now()',
    [digest(token)],
  );
  const row = result.rows[0];
  return row ? { fileId: row.file_id, userId: row.user_id } : undefined;
}

/** Spends a token, once: true for the one request that spent it, false when it is unknown, spent or expired. */
export async function spendDownloadToken(db: Queryable, token: string): Promise<boolean> {
  if (!TOKEN_SHAPE.test(token)) return false;
  const result = await db.query(
    'update release_download_tokens set used_at = now() where token_sha256 = $1 and used_at is null and expires_at > now()',
    [digest(token)],
  );
  return result.rowCount === 1;
}
