/**
 * Fair sharing of the download bandwidth between teams, over every server process: at most `concurrent` transfers
 * per team at once (leases in PostgreSQL: download-leases.ts) and at most `perMinute` download requests per team
 * per minute (rate-limiter-flexible's PostgreSQL store, as the account throttling uses it, in an unlogged table of
 * its own: no disk flush per request). A refusal is a 429 with Retry-After; organisers are keyed by their account.
 */
import type { Response } from 'express';
import { RateLimiterRes, type RateLimiterPostgres } from 'rate-limiter-flexible';
import type { AppDeps } from '../app-deps.ts';
import { postgresLimiter } from '../auth/throttle.ts';
import { AppError } from '../errors.ts';
import { DownloadLeases } from './download-leases.ts';

export class DownloadThrottle {
  readonly leases: DownloadLeases;
  private readonly limiter: RateLimiterPostgres;
  private readonly concurrent: number;

  constructor(deps: Pick<AppDeps, 'db' | 'config'>) {
    this.concurrent = deps.config.downloadsPerTeam;
    this.leases = new DownloadLeases(deps.db, { limit: this.concurrent, expiryS: deps.config.downloadLeaseExpiryS });
    this.limiter = postgresLimiter(deps.db, 'download', deps.config.downloadRequestsPerMinute, 60, 0, 'download_rate_limits');
  }

  /**
   * Takes a slot for `key` or throws RATE_LIMITED (Retry-After set on `res`); the returned function frees the slot
   * (await it once the transfer ends however it ends; later calls do nothing). The minute's point and the lease
   * are asked for at once (one round trip of latency, not two); a request over the per-minute limit gives back the
   * lease it got, and is refused as too many requests whatever the slots said, as when they were asked in turn.
   */
  async acquire(key: string, res: Response): Promise<() => Promise<void>> {
    const [point, lease] = await Promise.allSettled([this.limiter.consume(key), this.leases.take(key)]);
    if (point.status === 'rejected') {
      if (lease.status === 'fulfilled' && lease.value.taken) await this.leases.release(lease.value.leaseId);
      if (!(point.reason instanceof RateLimiterRes)) throw point.reason;
      const seconds = Math.max(1, Math.ceil(point.reason.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(seconds));
      throw new AppError('RATE_LIMITED', `too many download requests for this team: try again in ${seconds} s`);
    }
    if (lease.status === 'rejected') throw lease.reason;
    const outcome = lease.value;
    if (!outcome.taken) {
      res.setHeader('Retry-After', '5');
      throw new AppError('RATE_LIMITED', `this team already has ${outcome.running} downloads running (the limit is ${this.concurrent}): wait for one to finish`);
    }
    let freed: Promise<void> | undefined;
    return () => (freed ??= this.leases.release(outcome.leaseId));
  }
}
