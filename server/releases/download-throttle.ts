/**
 * Fair sharing of the download bandwidth between teams, over every server process: at most `concurrent` transfers
 * per team at once (leases in PostgreSQL: download-leases.ts) and at most `perMinute` download requests per team
 * per minute (rate-limiter-flexible's PostgreSQL store, the rate_limits table the account throttling uses). A
 * refusal is a 429 with Retry-After; organisers are keyed by their account.
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
    this.limiter = postgresLimiter(deps.db, 'download', deps.config.downloadRequestsPerMinute, 60);
  }

  /**
   * Takes a slot for `key` or throws RATE_LIMITED (Retry-After set on `res`); the returned function frees the slot
   * (await it once the transfer ends however it ends; later calls do nothing).
   */
  async acquire(key: string, res: Response): Promise<() => Promise<void>> {
    try {
      await this.limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(seconds));
      throw new AppError('RATE_LIMITED', `too many download requests for this team: try again in ${seconds} s`);
    }
    const lease = await this.leases.take(key);
    if (!lease.taken) {
      res.setHeader('Retry-After', '5');
      throw new AppError('RATE_LIMITED', `this team already has ${lease.running} downloads running (the limit is ${this.concurrent}): wait for one to finish`);
    }
    let freed: Promise<void> | undefined;
    return () => (freed ??= this.leases.release(lease.leaseId));
  }
}
