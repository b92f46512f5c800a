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
  result: StoredUncertainty | null;
  computed_at: Date;
}

export async function cachedUncertainty(db: Pool | PoolClient, phaseId: number): Promise<UncertaintyRow | null> {
  const result = await db.query<UncertaintyRow>('select submission_ids, result, computed_at from leaderboard_uncertainty where phase_id = $1', [phaseId]);
  const row = result.rows[0];
  return row ? { ...row, submission_ids: row.submission_ids.map(Number) } : null;
}

export async function storeUncertainty(db: Pool | PoolClient, phaseId: number, submissionIds: number[], result: StoredUncertainty | null, computeMs: number): Promise<void> {
  await db.query(
    `insert into leaderboard_uncertainty (phase_id, submission_ids, result, computed_at, compute_ms) values ($1, $2, $3, now(), $4)
     on conflict (phase_id) do update set submission_ids = excluded.submission_ids, result = excluded.result,
       computed_at = excluded.computed_at, compute_ms = excluded.compute_ms`,
    [phaseId, submissionIds, result, Math.round(computeMs)],
  );
}
