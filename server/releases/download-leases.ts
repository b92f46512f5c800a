/**
 * Leases on a team's download slots, shared by every server process through PostgreSQL (table download_leases,
 * migrations/0017). Taking one is one call of take_download_lease (same migration), a transaction serialized per
 * key: pg_advisory_xact_lock on a hash of the key, then the key's live leases are counted and a new one inserted
 * only while fewer than `limit` live (the count sees every lease committed before the lock was granted, so two
 * servers cannot both take the last slot); one round trip, as it runs on every download request.
 * While a process holds leases, one heartbeat every expiry/4 renews all of them in one UPDATE; a lease is deleted
 * when its transfer ends. A process that dies stops renewing, and its leases lapse after at most `expiryS`.
 * Times are the database's (now()), so the servers' clocks need not agree.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { logEvent } from '../../evaluator/index.ts';
import type { Pool } from '../db/pool.ts';

export interface DownloadLeaseOptions {
  /** Live leases allowed per key. */
  readonly limit: number;
  /** A lease not renewed for this long is dead (s). */
  readonly expiryS: number;
}

export type LeaseOutcome = { readonly taken: true; readonly leaseId: string } | { readonly taken: false; readonly running: number };

export class DownloadLeases {
  /** Which process holds a lease: host, pid and a random tag (a pid may come back after a restart). */
  readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly held = new Set<string>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly db: Pool,
    private readonly options: DownloadLeaseOptions,
  ) {}

  /** Takes a lease on one of `key`'s slots, or says how many are running when none is free. */
  async take(key: string): Promise<LeaseOutcome> {
    const leaseId = randomUUID();
    const { rows } = await this.db.query<{ running: number; taken: boolean }>('select running, taken from take_download_lease($1, $2, $3, $4, $5)', [
      key,
      leaseId,
      this.instance,
      this.options.limit,
      this.options.expiryS,
    ]);
    if (!rows[0].taken) return { taken: false, running: rows[0].running };
    this.held.add(leaseId);
    this.startHeartbeat();
    return { taken: true, leaseId };
  }

  /** Deletes a lease (once its transfer has ended); a failure is logged, and the lease then lapses by itself. */
  async release(leaseId: string): Promise<void> {
    this.held.delete(leaseId);
    if (this.held.size === 0) this.stopHeartbeat();
    try {
      await this.db.query('delete from download_leases where lease_id = $1', [leaseId]);
    } catch (error) {
      logEvent('warn', 'a download lease could not be deleted; it lapses by itself', { leaseId, reason: (error as Error).message });
    }
  }

  /**
   * Renews every lease this process holds; returns (and logs) those found gone while still held. A lease released
   * while the renewal was on its way is not one of them: its transfer ended, its row went with it.
   */
  async renew(): Promise<string[]> {
    if (this.held.size === 0) return [];
    const ids = [...this.held];
    const renewed = await this.db.query<{ lease_id: string }>(
      'update download_leases set expires_at = now() + make_interval(secs => $2::float8) where lease_id = any($1::uuid[]) returning lease_id',
      [ids, this.options.expiryS],
    );
    const found = new Set(renewed.rows.map((row) => row.lease_id));
    const lapsed = ids.filter((id) => !found.has(id) && this.held.has(id));
    if (lapsed.length > 0) {
      // a heartbeat came too late (the process stalled past the expiry) and another server purged the lease
      logEvent('warn', 'download leases lapsed before they were renewed', { held: ids.length, lapsed: lapsed.length });
    }
    return lapsed;
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    const everyMs = (this.options.expiryS * 1000) / 4;
    this.heartbeat = setInterval(() => {
      this.renew().catch((error) => logEvent('warn', 'download leases not renewed', { reason: (error as Error).message }));
    }, everyMs).unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

/** Deletes every lapsed lease (a crashed server's), including those of teams that never download again. */
export async function purgeLapsedLeases(db: Pick<Pool, 'query'>): Promise<number> {
  return (await db.query('delete from download_leases where expires_at < now()')).rowCount ?? 0;
}
