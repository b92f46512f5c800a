/**
 * The platform's housekeeping (a file above the folders whose tables it trims). Account tables: expired sessions, used or expired verification and reset links, expired
 * co-organiser invitations and spent throttling counters are deleted at start and then every hour; so are the mail
 * outbox's rows sent more than SENT_MAIL_DAYS ago (their body is gone already) and given up more than
 * FAILED_MAIL_DAYS ago, and download slot leases that lapsed (a crashed server's; a team's next download also
 * clears its own).
 */
import { logEvent } from '../evaluator/index.ts';
import type { AppDeps } from './app-deps.ts';
import { purgeOldMails } from './mail/outbox-store.ts';
import { purgeLapsedLeases } from './releases/download-leases.ts';
import { purgeExpired } from './auth/store.ts';

export const HOUSEKEEPING_MS = 3600_000;
export const SENT_MAIL_DAYS = 7;
export const FAILED_MAIL_DAYS = 30;

export async function runHousekeeping(deps: Pick<AppDeps, 'db'>): Promise<Record<string, number>> {
  const purged = { ...(await purgeExpired(deps.db)), mails: await purgeOldMails(deps.db, SENT_MAIL_DAYS, FAILED_MAIL_DAYS), downloadLeases: await purgeLapsedLeases(deps.db) };
  logEvent('debug', 'expired account rows purged', purged);
  return purged;
}

export function startHousekeeping(deps: Pick<AppDeps, 'db'>, intervalMs: number): NodeJS.Timeout {
  const run = () => void runHousekeeping(deps).catch((error) => logEvent('warn', 'housekeeping failed', { reason: (error as Error).message }));
  run();
  return setInterval(run, intervalMs).unref();
}
