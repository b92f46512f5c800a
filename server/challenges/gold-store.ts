/**
 * SQL for gold standards (migrations/0002_challenges.sql). Each upload is a new version of the case's gold
 * standard; it is queued for preparation, and becomes the case's current one when its preparation is ready
 * (the first version is current from the start, so a case always has one).
 */
import { inTransaction, type Pool } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import type { Queryable } from './queryable.ts';

export type GoldStatus = 'queued' | 'running' | 'ready' | 'failed';

export interface GoldRow {
  id: number;
  case_id: number;
  version: number;
  sha256: string;
  file_name: string;
  status: GoldStatus;
  error_message: string | null;
  prepared_key: string | null;
  summary: unknown;
  is_current: boolean;
  created_by: number | null;
  created_at: Date;
  prepared_at: Date | null;
}

export async function goldById(db: Queryable, id: number): Promise<GoldRow> {
  const row = (await db.query<GoldRow>('select * from gold_standards where id = $1', [id])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `no gold standard ${id}`);
  return row;
}

/** Inserts the next version of a case's gold standard (the caller holds the case's row lock). */
export async function insertGold(
  db: Queryable,
  fields: { caseId: number; sha256: string; fileName: string; isCurrent: boolean; createdBy: number },
): Promise<GoldRow> {
  const result = await db.query<GoldRow>(
    `insert into gold_standards (case_id, version, sha256, file_name, status, is_current, created_by)
     values ($1, (select coalesce(max(version), 0) + 1 from gold_standards where case_id = $1), $2, $3, 'queued', $4, $5)
     returning *`,
    [fields.caseId, fields.sha256, fields.fileName, fields.isCurrent, fields.createdBy],
  );
  return result.rows[0];
}

/** Every version of the gold standards of these cases, newest first per case. */
export async function goldVersionsOfCases(db: Queryable, caseIds: number[]): Promise<GoldRow[]> {
  if (caseIds.length === 0) return [];
  const result = await db.query<GoldRow>(
    'select * from gold_standards where case_id = any($1::bigint[]) order by case_id, version desc',
    [caseIds],
  );
  return result.rows;
}

/** The preparation job has started on this gold standard. */
export async function markGoldRunning(db: Queryable, goldId: number): Promise<void> {
  await db.query(`update gold_standards set status = 'running', error_message = null where id = $1`, [goldId]);
}

/**
 * The preparation job finished: record where the prepared form is and its summary, and make this version the
 * case's current gold standard — unless a newer version is current already (an older version whose preparation
 * was retried must not displace it). One transaction, under the case's row lock.
 */
export async function markGoldReady(
  db: Pool,
  goldId: number,
  preparedKey: string,
  summary: unknown,
): Promise<{ caseId: number; version: number; isCurrent: boolean }> {
  return inTransaction(db, async (client) => {
    const gold = await goldById(client, goldId);
    await client.query('select id from cases where id = $1 for update', [gold.case_id]);
    await client.query(
      `update gold_standards set status = 'ready', prepared_key = $2, summary = $3, prepared_at = now(), error_message = null
       where id = $1`,
      [goldId, preparedKey, JSON.stringify(summary ?? null)],
    );
    const newer = await client.query(
      'select 1 from gold_standards where case_id = $1 and is_current and version > $2',
      [gold.case_id, gold.version],
    );
    const becomesCurrent = (newer.rowCount ?? 0) === 0;
    if (becomesCurrent) {
      // the partial unique index allows one current row per case: clear the old one first
      await client.query('update gold_standards set is_current = false where case_id = $1 and is_current and id <> $2', [gold.case_id, goldId]);
      await client.query('update gold_standards set is_current = true where id = $1', [goldId]);
    }
    return { caseId: gold.case_id, version: gold.version, isCurrent: becomesCurrent };
  });
}

/** The preparation job gave up: the version stays where it is (current or not) with the reason shown to organisers. */
export async function markGoldFailed(db: Queryable, goldId: number, message: string): Promise<void> {
  await db.query(`update gold_standards set status = 'failed', error_message = $2 where id = $1`, [goldId, message]);
}
