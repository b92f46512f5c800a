/**
 * Fair sharing of the download bandwidth between teams, per server process: at most `concurrent` transfers per
 * team at once, and at most `perMinute` download requests per team per minute (rate-limiter-flexible's
 * in-memory limiter). A refusal is a 429 with Retry-After; organisers are keyed by their account.
 */
import type { Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors.ts';

export class DownloadThrottle {
  private readonly active = new Map<string, number>();
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly concurrent: number, perMinute: number) {
    this.limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  }

  /**
   * Takes a slot for `key` or throws RATE_LIMITED (Retry-After set on `res`); the returned function frees the slot
   * (call it once, when the transfer ends however it ends).
   */
  async acquire(key: string, res: Response): Promise<() => void> {
    try {
      await this.limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(seconds));
      throw new AppError('RATE_LIMITED', `too many download requests for this team: try again in ${seconds} s`);
    }
    const running = this.active.get(key) ?? 0;
    if (running >= this.concurrent) {
      res.setHeader('Retry-After', '5');
      throw new AppError('RATE_LIMITED', `this team already has ${running} downloads running (the limit is ${this.concurrent}): wait for one to finish`);
    }
    this.active.set(key, running + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const left = (this.active.get(key) ?? 1) - 1;
      if (left <= 0) this.active.delete(key);
      else this.active.set(key, left);
    };
  }
}
