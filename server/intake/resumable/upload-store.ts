/** SQL of the `resumable_uploads` table (migrations/0010_resumable_uploads.sql). */
import type { Pool, PoolClient } from '../../db/pool.ts';

type Db = Pool | PoolClient;

export interface UploadRow {
  id: string;
  user_id: number;
  team_id: number;
  phase_id: number;
  file_name: string;
  length_bytes: number;
  offset_bytes: number;
  metadata: Record<string, string>;
  created_at: Date;
  expires_at: Date;
  completed_at: Date | null;
  claimed_until: Date | null;
}

export interface NewUpload {
  id: string;
  userId: number;
  teamId: number;
  phaseId: number;
  fileName: string;
  lengthBytes: number;
  metadata: Record<string, string>;
  expiresAt: Date;
}

export async function insertUpload(db: Db, upload: NewUpload): Promise<UploadRow> {
  const result = await db.query<UploadRow>(
    `insert into resumable_uploads (id, user_id, team_id, phase_id, file_name, length_bytes, metadata, expires_at, completed_at)
     values ($1, $2, $3, $4, $5, $6::bigint, $7, $8, case when $6::bigint = 0 then now() end) returning *`,
    [upload.id, upload.userId, upload.teamId, upload.phaseId, upload.fileName, upload.lengthBytes, JSON.stringify(upload.metadata), upload.expiresAt],
  );
  return result.rows[0];
}

/** The caller's own upload that has not expired; undefined for anyone else's, an unknown or an expired one. */
export async function uploadOfUser(db: Db, id: string, userId: number): Promise<UploadRow | undefined> {
  if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
  const result = await db.query<UploadRow>('select * from resumable_uploads where id = $1 and user_id = $2 and expires_at > now()', [id, userId]);
  return result.rows[0];
}

/** After a PATCH: the bytes now held, a later expiry, and the completion time once every byte is in. */
export async function recordProgress(db: Db, id: string, offset: number, expiresAt: Date): Promise<UploadRow> {
  const result = await db.query<UploadRow>(
    `update resumable_uploads set offset_bytes = $2, expires_at = $3,
       completed_at = case when $2 = length_bytes then coalesce(completed_at, now()) end
     where id = $1 returning *`,
    [id, offset, expiresAt],
  );
  return result.rows[0];
}

export async function deleteUploads(db: Db, ids: readonly string[]): Promise<void> {
  await db.query('delete from resumable_uploads where id = any($1)', [ids]);
}

/** Unfinished, unexpired uploads of a team in a phase. */
export async function openUploadCount(db: Db, teamId: number, phaseId: number): Promise<number> {
  const result = await db.query<{ n: number }>(
    'select count(*)::int as n from resumable_uploads where team_id = $1 and phase_id = $2 and expires_at > now()',
    [teamId, phaseId],
  );
  return result.rows[0].n;
}

/** Bytes promised to a team's unfinished, unexpired uploads but not received yet (every phase, every member). */
export async function teamPromisedBytes(db: Db, teamId: number): Promise<number> {
  const result = await db.query<{ bytes: string | null }>(
    'select sum(length_bytes - offset_bytes)::text as bytes from resumable_uploads where team_id = $1 and completed_at is null and expires_at > now()',
    [teamId],
  );
  return Number(result.rows[0].bytes ?? 0);
}

/** The caller's uploads among `ids` (expired ones left out), whatever their state. */
export async function uploadsOfUser(db: Db, ids: readonly string[], userId: number): Promise<UploadRow[]> {
  const result = await db.query<UploadRow>('select * from resumable_uploads where id = any($1) and user_id = $2 and expires_at > now()', [ids, userId]);
  return result.rows;
}

/** Marks the uploads as being used, until `seconds` from now (a crashed request's claim lapses). Returns the ids claimed. */
export async function claimUploads(db: Db, ids: readonly string[], seconds: number): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    `update resumable_uploads set claimed_until = now() + make_interval(secs => $2)
     where id = any($1) and (claimed_until is null or claimed_until < now()) returning id`,
    [ids, seconds],
  );
  return result.rows.map((r) => r.id);
}

export async function releaseClaims(db: Db, ids: readonly string[]): Promise<void> {
  await db.query('update resumable_uploads set claimed_until = null where id = any($1)', [ids]);
}

/** Expired uploads nobody is using right now. */
export async function expiredUploadIds(db: Db): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    `select id from resumable_uploads where expires_at <= now() and (claimed_until is null or claimed_until < now())`,
  );
  return result.rows.map((r) => r.id);
}

export async function existingUploadIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const result = await db.query<{ id: string }>('select id from resumable_uploads where id = any($1)', [ids]);
  return new Set(result.rows.map((r) => r.id));
}
