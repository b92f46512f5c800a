/** SQL of the cached rank uncertainty (migrations/0011): one row per phase, replaced by each computation. */
import type { Pool, PoolClient } from '../db/pool.ts';

export interface StoredEntryUncertainty {
  submissionId: number;
  rank: number;
  interval: [number, number];
  keepShare: number;
  rankFrequencies: number[];
  imputed: number;
}

export interface StoredUncertainty {
  samples: number;
  seed: number;
  cases: number;
  indistinguishableTop: number;
  note: string | null;
  entries: StoredEntryUncertainty[];
}

export interface UncertaintyRow {
  submission_ids: number[];
  /** The phase's ranking scheme it was computed under. */
  scheme: unknown;
  result: StoredUncertainty | null;
  computed_at: Date;
}

export async function cachedUncertainty(db: Pool | PoolClient, phaseId: number): Promise<UncertaintyRow | null> {
  const result = await db.query<UncertaintyRow>('select submission_ids, scheme, result, computed_at from leaderboard_uncertainty where phase_id = $1', [phaseId]);
  const row = result.rows[0];
  return row ? { ...row, submission_ids: row.submission_ids.map(Number) } : null;
}

export async function storeUncertainty(
  db: Pool | PoolClient,
  phaseId: number,
  submissionIds: number[],
  scheme: object,
  result: StoredUncertainty | null,
  computeMs: number,
): Promise<void> {
  await db.query(
    `insert into leaderboard_uncertainty (phase_id, submission_ids, scheme, result, computed_at, compute_ms) values ($1, $2, $3, $4, now(), $5)
     on conflict (phase_id) do update set submission_ids = excluded.submission_ids, scheme = excluded.scheme, result = excluded.result,
       computed_at = excluded.computed_at, compute_ms = excluded.compute_ms`,
    [phaseId, submissionIds, JSON.stringify(scheme), result, Math.round(computeMs)],
  );
}
