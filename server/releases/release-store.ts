/** SQL of releases, their files and revocations (migrations/0015_releases.sql). */
import type { ReleaseFileRole, ReleaseKind } from '../../contract/releases.ts';
import type { Queryable } from '../challenges/queryable.ts';
import { AppError } from '../errors.ts';

export interface ReleaseRow {
  id: number;
  challenge_id: number;
  phase_id: number | null;
  kind: ReleaseKind;
  name: string;
  description: string;
  version: string;
  external_url: string | null;
  opens_at: Date;
  closes_at: Date | null;
  created_by: number | null;
  created_at: Date;
}

export interface ReleaseFileRow {
  id: number;
  release_id: number;
  name: string;
  sha256: string;
  size_bytes: number;
  role: ReleaseFileRole;
  source_case_id: number | null;
}

export interface RevocationRow {
  team_id: number;
  team_name: string;
  reason: string | null;
  revoked_at: Date;
}

export interface NewRelease {
  challengeId: number;
  phaseId: number | null;
  kind: ReleaseKind;
  name: string;
  description: string;
  version: string;
  externalUrl: string | null;
  opensAt: Date;
  closesAt: Date | null;
  createdBy: number;
}

export async function insertRelease(db: Queryable, r: NewRelease): Promise<ReleaseRow> {
  const result = await db.query<ReleaseRow>(
    `insert into releases (challenge_id, phase_id, kind, name, description, version, external_url, opens_at, closes_at, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
    [r.challengeId, r.phaseId, r.kind, r.name, r.description, r.version, r.externalUrl, r.opensAt, r.closesAt, r.createdBy],
  );
  return result.rows[0];
}

export async function releaseById(db: Queryable, id: number): Promise<ReleaseRow> {
  const row = Number.isSafeInteger(id) ? (await db.query<ReleaseRow>('select * from releases where id = $1', [id])).rows[0] : undefined;
  if (!row) throw new AppError('NOT_FOUND', `no release ${id}`);
  return row;
}

export async function releasesOfChallenge(db: Queryable, challengeId: number): Promise<ReleaseRow[]> {
  return (await db.query<ReleaseRow>('select * from releases where challenge_id = $1 order by opens_at, id', [challengeId])).rows;
}

export async function updateRelease(
  db: Queryable,
  id: number,
  changes: { name?: string; description?: string; opensAt?: Date; closesAt?: Date | null },
): Promise<ReleaseRow> {
  const result = await db.query<ReleaseRow>(
    `update releases set name = coalesce($2, name), description = coalesce($3, description), opens_at = coalesce($4, opens_at),
       closes_at = case when $5 then $6::timestamptz else closes_at end
     where id = $1 returning *`,
    [id, changes.name ?? null, changes.description ?? null, changes.opensAt ?? null, changes.closesAt !== undefined, changes.closesAt ?? null],
  );
  return result.rows[0];
}

export async function filesOfReleases(db: Queryable, releaseIds: readonly number[]): Promise<Map<number, ReleaseFileRow[]>> {
  const rows = (await db.query<ReleaseFileRow>('select * from release_files where release_id = any($1::bigint[]) order by name', [releaseIds])).rows;
  const byRelease = new Map<number, ReleaseFileRow[]>();
  for (const row of rows) byRelease.set(row.release_id, [...(byRelease.get(row.release_id) ?? []), row]);
  return byRelease;
}

/** A file of a release; a file id of another release is NOT_FOUND like an unknown one. */
export async function releaseFile(db: Queryable, releaseId: number, fileId: number): Promise<ReleaseFileRow> {
  const row = Number.isSafeInteger(fileId)
    ? (await db.query<ReleaseFileRow>('select * from release_files where id = $1 and release_id = $2', [fileId, releaseId])).rows[0]
    : undefined;
  if (!row) throw new AppError('NOT_FOUND', `no file ${fileId} in release ${releaseId}`);
  return row;
}

export interface NewReleaseFile {
  name: string;
  sha256: string;
  sizeBytes: number;
  role: ReleaseFileRole;
  sourceCaseId: number | null;
}

export async function insertReleaseFiles(db: Queryable, releaseId: number, addedBy: number, files: readonly NewReleaseFile[]): Promise<void> {
  for (const f of files) {
    await db.query('insert into blobs (sha256, size_bytes) values ($1, $2) on conflict (sha256) do nothing', [f.sha256, f.sizeBytes]);
    await db.query(
      `insert into release_files (release_id, name, sha256, size_bytes, role, source_case_id, added_by) values ($1, $2, $3, $4, $5, $6, $7)`,
      [releaseId, f.name, f.sha256, f.sizeBytes, f.role, f.sourceCaseId, addedBy],
    );
  }
}

export async function deleteReleaseFile(db: Queryable, releaseId: number, fileId: number): Promise<void> {
  await db.query('delete from release_files where id = $1 and release_id = $2', [fileId, releaseId]);
}

export async function revocationsOf(db: Queryable, releaseId: number): Promise<RevocationRow[]> {
  const result = await db.query<RevocationRow>(
    `select r.team_id, t.name as team_name, r.reason, r.revoked_at from release_revocations r join teams t on t.id = r.team_id
     where r.release_id = $1 order by r.revoked_at`,
    [releaseId],
  );
  return result.rows;
}

export async function isRevoked(db: Queryable, releaseId: number, teamId: number): Promise<boolean> {
  const result = await db.query('select 1 from release_revocations where release_id = $1 and team_id = $2', [releaseId, teamId]);
  return (result.rowCount ?? 0) > 0;
}

export async function insertRevocation(db: Queryable, releaseId: number, teamId: number, reason: string | null, by: number): Promise<void> {
  await db.query(
    `insert into release_revocations (release_id, team_id, reason, revoked_by) values ($1, $2, $3, $4)
     on conflict (release_id, team_id) do update set reason = excluded.reason, revoked_by = excluded.revoked_by, revoked_at = now()`,
    [releaseId, teamId, reason, by],
  );
}

export async function deleteRevocation(db: Queryable, releaseId: number, teamId: number): Promise<void> {
  await db.query('delete from release_revocations where release_id = $1 and team_id = $2', [releaseId, teamId]);
}
