/** SQL for cases and the blobs they reference (migrations/0002_challenges.sql). */
import { AppError } from '../errors.ts';
import type { Queryable } from './queryable.ts';

/** The CT's voxel grid, as read from its header (ITK conventions, see evaluator/io/image-volume.ts). */
export interface CaseGeometry {
  size: [number, number, number];
  spacing: [number, number, number];
  origin: [number, number, number];
  direction: number[];
}

export interface CaseRow {
  id: number;
  phase_id: number;
  name: string;
  ct_sha256: string;
  ct_file_name: string;
  geometry: CaseGeometry;
  created_at: Date;
}

/** A case with the challenge it belongs to (for the organiser check). */
export type CaseInChallenge = CaseRow & { challenge_id: number };

export async function caseById(db: Queryable, id: number): Promise<CaseInChallenge> {
  const result = await db.query<CaseInChallenge>(
    'select c.*, p.challenge_id from cases c join phases p on p.id = c.phase_id where c.id = $1',
    [id],
  );
  const row = result.rows[0];
  if (!row) throw new AppError('NOT_FOUND', `no case ${id}`);
  return row;
}

/** Locks the case row so concurrent gold-standard uploads number their versions one after the other. */
export async function lockCase(db: Queryable, id: number): Promise<void> {
  await db.query('select id from cases where id = $1 for update', [id]);
}

export async function casesOfPhase(db: Queryable, phaseId: number): Promise<CaseRow[]> {
  return (await db.query<CaseRow>('select * from cases where phase_id = $1 order by name', [phaseId])).rows;
}

export async function caseNameTaken(db: Queryable, phaseId: number, name: string): Promise<boolean> {
  const result = await db.query('select 1 from cases where phase_id = $1 and name = $2', [phaseId, name]);
  return (result.rowCount ?? 0) > 0;
}

/** Records a stored file; a file already known (same content) is left as it is. */
export async function insertBlob(db: Queryable, sha256: string, sizeBytes: number): Promise<void> {
  await db.query('insert into blobs (sha256, size_bytes) values ($1, $2) on conflict (sha256) do nothing', [sha256, sizeBytes]);
}

/** Throws a unique violation (cases_phase_id_name_key) when the name is taken in the phase. */
export async function insertCase(
  db: Queryable,
  fields: { phaseId: number; name: string; ctSha256: string; ctFileName: string; geometry: CaseGeometry },
): Promise<CaseRow> {
  const result = await db.query<CaseRow>(
    `insert into cases (phase_id, name, ct_sha256, ct_file_name, geometry) values ($1, $2, $3, $4, $5) returning *`,
    [fields.phaseId, fields.name, fields.ctSha256, fields.ctFileName, JSON.stringify(fields.geometry)],
  );
  return result.rows[0];
}
