/**
 * Throttling of everything that costs a password hash or sends a mail, keyed by client address (`req.ip`, which
 * is the socket's address unless TRUST_PROXY names the proxies in front) and by account. Counters live in
 * PostgreSQL (rate-limiter-flexible's store: one atomic upsert per attempt; spent rows are purged by
 * housekeeping.ts), so every server process shares them, and a point is taken BEFORE the work: a parallel burst
 * cannot get more attempts than the limit.
 *
 * Log-in, with N = LOGIN_ATTEMPTS_PER_MINUTE:
 * - one account from one address: N per minute, then that pair waits 15 minutes (guessing one password);
 * - one address over all accounts: 3N per minute, then 15 minutes (spraying many accounts);
 * - one account from every address: 10N per hour (guessing from many addresses), NOT applied to an address that
 *   logged in to this account successfully in the last 30 days, so strangers cannot lock its owner out.
 * A successful log-in gives its points back. Registration: REGISTRATIONS_PER_HOUR per address; password reset and
 * verification resend: MAIL_REQUESTS_PER_HOUR per address; mail to one address: 5 per hour (no mail bombing; over
 * it the request answers the same and sends nothing).
 */
import type { Request, Response } from 'express';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../errors.ts';
import { sha256Hex } from './secrets.ts';

const TABLE = 'rate_limits';

/** A counter in rate_limits (or another table of its shape: release downloads use download_rate_limits). */
export function postgresLimiter(db: AppDeps['db'], keyPrefix: string, points: number, durationS: number, blockDurationS = 0, tableName = TABLE): RateLimiterPostgres {
  return new RateLimiterPostgres({ storeClient: db, storeType: 'pool', tableName, tableCreated: true, clearExpiredByTimeout: false, keyPrefix, points, duration: durationS, blockDuration: blockDurationS });
}

export interface Throttles {
  readonly loginPair: RateLimiterPostgres;
  readonly loginAddress: RateLimiterPostgres;
  readonly loginAccount: RateLimiterPostgres;
  readonly knownAddress: RateLimiterPostgres;
  readonly register: RateLimiterPostgres;
  readonly mailRequest: RateLimiterPostgres;
  readonly mailTarget: RateLimiterPostgres;
}

const cache = new WeakMap<AppDeps['config'], Throttles>();

export function throttlesOf(deps: AppDeps): Throttles {
  let throttles = cache.get(deps.config);
  if (!throttles) {
    const n = deps.config.loginAttemptsPerMinute;
    throttles = {
      loginPair: postgresLimiter(deps.db, 'login-pair', n, 60, 900),
      loginAddress: postgresLimiter(deps.db, 'login-address', 3 * n, 60, 900),
      loginAccount: postgresLimiter(deps.db, 'login-account', 10 * n, 3600),
      knownAddress: postgresLimiter(deps.db, 'known-address', 1_000_000, 30 * 86400),
      register: postgresLimiter(deps.db, 'register', deps.config.registrationsPerHour, 3600),
      mailRequest: postgresLimiter(deps.db, 'mail-request', deps.config.mailRequestsPerHour, 3600),
      mailTarget: postgresLimiter(deps.db, 'mail-target', 5, 3600),
    };
    cache.set(deps.config, throttles);
  }
  return throttles;
}

/** The hashed key of an account (no e-mail addresses in the counters' table). */
export function accountKey(email: string): string {
  return sha256Hex(`account:${email.toLowerCase()}`).slice(0, 40);
}

export function addressKey(req: Request): string {
  return sha256Hex(`address:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`).slice(0, 40);
}

function refused(res: Response, rejection: unknown, what: string): never {
  if (rejection instanceof RateLimiterRes) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
    throw new AppError('RATE_LIMITED', `too many ${what}; wait ${Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))} s and try again`);
  }
  throw rejection as Error;
}

/** Takes one point from each limiter (all of them, in parallel); a 429 with Retry-After when any is spent. */
export async function consumeAll(res: Response, what: string, ...entries: Array<[RateLimiterPostgres, string]>): Promise<void> {
  const results = await Promise.allSettled(entries.map(([l, key]) => l.consume(key)));
  const rejected = results.find((r) => r.status === 'rejected');
  if (rejected) refused(res, rejected.reason, what);
}

/** Gives back the points of a successful attempt. */
export async function giveBack(...entries: Array<[RateLimiterPostgres, string]>): Promise<void> {
  await Promise.all(entries.map(([l, key]) => l.reward(key, 1).catch(() => undefined)));
}

/** True when another mail to this address is allowed this hour. */
export async function mailAllowed(deps: AppDeps, email: string): Promise<boolean> {
  try {
    await throttlesOf(deps).mailTarget.consume(accountKey(email));
    return true;
  } catch (error) {
    if (error instanceof RateLimiterRes) return false;
    throw error;
  }
}
