/**
 * The append-only record of every access to a release (migrations/0015: a trigger refuses UPDATE, DELETE and
 * TRUNCATE): who, for which team, which file, how many bytes were handed to the connection, the Range asked for,
 * from which address, when. Organisers read it per release or per team, as JSON or CSV.
 */
import type { AccessLogEntry } from '../../contract/releases.ts';
import type { Queryable } from '../challenges/queryable.ts';
import { csvTable } from '../review/csv.ts';

export interface AccessRecord {
  challengeId: number;
  releaseId: number;
  file?: { id: number; name: string } | null;
  user?: { id: number; email: string } | null;
  team?: { id: number; name: string } | null;
  action: AccessLogEntry['action'];
  bytesSent: number;
  range?: string | null;
  address?: string | null;
}

export async function recordAccess(db: Queryable, r: AccessRecord): Promise<void> {
  await db.query(
    `insert into release_access_log (challenge_id, release_id, file_id, file_name, user_id, user_email, team_id, team_name, action, bytes_sent, range, address)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [r.challengeId, r.releaseId, r.file?.id ?? null, r.file?.name ?? null, r.user?.id ?? null, r.user?.email ?? null, r.team?.id ?? null, r.team?.name ?? null, r.action, r.bytesSent, r.range ?? null, r.address ?? null],
  );
}

interface LogRow {
  id: number;
  release_id: number;
  file_id: number | null;
  file_name: string | null;
  user_id: number | null;
  user_email: string | null;
  team_id: number | null;
  team_name: string | null;
  action: AccessLogEntry['action'];
  bytes_sent: number;
  range: string | null;
  address: string | null;
  at: Date;
}

const toEntry = (r: LogRow): AccessLogEntry => ({
  id: r.id,
  releaseId: r.release_id,
  fileId: r.file_id,
  fileName: r.file_name,
  userId: r.user_id,
  userEmail: r.user_email,
  teamId: r.team_id,
  teamName: r.team_name,
  action: r.action,
  bytesSent: r.bytes_sent,
  range: r.range,
  address: r.address,
  at: r.at.toISOString(),
});

/** Entries of one release, or of every release of a challenge; optionally one team's; newest first. */
export async function accessLog(db: Queryable, where: { releaseId?: number; challengeId?: number; teamId?: number }): Promise<AccessLogEntry[]> {
  const result = await db.query<LogRow>(
    `select * from release_access_log
      where ($1::bigint is null or release_id = $1) and ($2::bigint is null or challenge_id = $2) and ($3::bigint is null or team_id = $3)
      order by at desc, id desc limit 100000`,
    [where.releaseId ?? null, where.challengeId ?? null, where.teamId ?? null],
  );
  return result.rows.map(toEntry);
}

const COLUMNS = ['at', 'releaseId', 'fileId', 'fileName', 'action', 'bytesSent', 'range', 'userId', 'userEmail', 'teamId', 'teamName', 'address'] as const;

export function accessLogCsv(entries: readonly AccessLogEntry[]): string {
  return csvTable(COLUMNS, entries as unknown as Array<Record<string, unknown>>);
}
