/**
 * The mail sender: one per server process, delivering the outbox (outbox-store.ts) through the transport
 * (mail-transport.ts). It wakes when a mail is queued (LISTEN mail_outbox: the table's insert trigger notifies at
 * commit), when the next retry is due, and every POLL_MS in any case (a lost LISTEN connection, other processes'
 * leases). Each mail is claimed alone (`for update skip locked` plus a lease), so several processes never take the
 * same one; delivery is at least once: a process that dies after the SMTP server accepted a mail but before
 * marking it sent leaves it to be sent again when the lease ends.
 *
 * A failed attempt (any error: refused connection, 4xx or 5xx reply) is retried after MAIL_RETRY_BASE_MS, doubling
 * up to MAIL_RETRY_MAX_MS; after MAIL_MAX_ATTEMPTS attempts, or when the next one would come after the mail's
 * give_up_at (24 h, or the lifetime of the link it carries), it is marked failed with one error log line.
 */
import { logEvent } from '../../evaluator/index.ts';
import type { Config } from '../config.ts';
import { createPool, type Pool, type PoolClient } from '../db/pool.ts';
import { createMailTransport, describeMailError, type MailTransport } from './mail-transport.ts';
import { claimNextMail, failOverdueMails, markMailFailed, markMailRetry, markMailSent, msUntilNextMail, type ClaimedMail } from './outbox-store.ts';

/** How long a claim keeps other senders off a mail: far above one attempt (SMTP timeouts, DELIVERY_DEADLINE_MS). */
const LEASE_S = 600;
const DELIVERY_DEADLINE_MS = 180_000;
export const MAIL_POLL_MS = 30_000;
/** The shortest sleep between rounds, so rows another sender holds for an instant do not make a busy loop. */
const MIN_SLEEP_MS = 20;
/** How long stopping waits for a delivery in progress (a hung SMTP server must not hold a shutdown; the lease covers it). */
const STOP_WAIT_MS = 5_000;

/** The delay before the attempt after `attempts` failed ones: base, doubling, capped. */
export function retryDelayMs(attempts: number, retry: Config['mailRetry']): number {
  return Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 40)));
}

export interface MailSender {
  /** Looks for due mail now (a queued mail wakes the sender by itself; this is for callers that know better). */
  wake(): void;
  /** Stops listening and polling; waits up to STOP_WAIT_MS for the delivery in progress. */
  stop(): Promise<void>;
}

export interface MailSenderOptions {
  readonly transport?: MailTransport;
  readonly pollMs?: number;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

class OutboxSender implements MailSender {
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private listener?: PoolClient;

  constructor(
    private readonly config: Config,
    private readonly db: Pool,
    private readonly transport: MailTransport,
    private readonly pollMs: number,
  ) {}

  wake = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true; // a mail queued during this round: look once more when it ends
      return;
    }
    clearTimeout(this.timer);
    this.running = this.round().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  };

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
    clearTimeout(timer);
    this.dropListener();
    this.transport.close();
  }

  /** Delivers every due mail, then sleeps until the next one is due (at most pollMs). */
  private async round(): Promise<void> {
    let sleepMs = this.pollMs;
    try {
      await this.listen();
      for (const mail of await failOverdueMails(this.db)) {
        logEvent('error', 'mail given up: not delivered in time', { mail: mail.id, kind: mail.kind, to: mail.to, attempts: mail.attempts, lastError: mail.lastError });
      }
      while (!this.stopped) {
        const mail = await claimNextMail(this.db, LEASE_S);
        if (!mail) break;
        await this.attempt(mail);
      }
      sleepMs = Math.min(this.pollMs, (await msUntilNextMail(this.db)) ?? this.pollMs);
    } catch (error) {
      logEvent('warn', 'mail outbox unreachable; trying again later', { reason: (error as Error).message, retryInS: this.pollMs / 1000 });
    }
    if (!this.stopped) this.timer = setTimeout(this.wake, Math.max(MIN_SLEEP_MS, sleepMs)).unref();
  }

  private async attempt(mail: ClaimedMail): Promise<void> {
    let failure: string | undefined;
    try {
      await withDeadline(this.transport.deliver(mail), DELIVERY_DEADLINE_MS);
    } catch (error) {
      failure = describeMailError(error);
    }
    if (failure === undefined) return markMailSent(this.db, mail.id);
    const { maxAttempts } = this.config.mailRetry;
    const delayMs = retryDelayMs(mail.attempts, this.config.mailRetry);
    const fields = { mail: mail.id, kind: mail.kind, to: mail.to, mode: this.transport.mode, attempt: mail.attempts, error: failure };
    if (mail.attempts >= maxAttempts || delayMs >= mail.msLeft) {
      await markMailFailed(this.db, mail.id, failure);
      logEvent('error', 'mail given up: delivery failed', { ...fields, reason: mail.attempts >= maxAttempts ? `${maxAttempts} attempts (MAIL_MAX_ATTEMPTS)` : 'its time is over' });
    } else {
      await markMailRetry(this.db, mail.id, failure, delayMs);
      logEvent('warn', 'mail not delivered; will retry', { ...fields, retryInS: delayMs / 1000 });
    }
  }

  /** LISTEN on a connection of its own (again after it was lost); notifications wake the sender. */
  private async listen(): Promise<void> {
    if (this.listener || this.stopped) return;
    const client = await this.db.connect();
    if (this.stopped) {
      // stopped while waiting for the connection (stop() waits only so long): keeping it would hold the pool's end
      client.release(true);
      return;
    }
    const lost = () => {
      if (this.listener === client) this.dropListener();
    };
    client.on('notification', this.wake);
    client.on('error', lost);
    client.on('end', lost);
    this.listener = client;
    try {
      await client.query('listen mail_outbox');
    } catch (error) {
      lost();
      throw error;
    }
  }

  private dropListener(): void {
    const client = this.listener;
    if (!client) return;
    this.listener = undefined;
    client.removeListener('notification', this.wake);
    client.release(true); // destroyed, not returned: a pooled connection must not keep listening
  }
}

/** Starts the sender of this process: it looks for due mail at once, then as described above. */
export function startMailSender(deps: { readonly config: Config; readonly db: Pool }, options: MailSenderOptions = {}): MailSender {
  const sender = new OutboxSender(deps.config, deps.db, options.transport ?? createMailTransport(deps.config), options.pollMs ?? MAIL_POLL_MS);
  sender.wake();
  return sender;
}

/** Connections of a process's own sender: one that LISTENs, one for the outbox's statements. */
const SENDER_CONNECTIONS = 2;

/**
 * Starts the sender of a server process on connections of its own, apart from the pool that serves requests: a
 * burst of mail never takes a request's connection, and its LISTEN connection is not one the pool could lend.
 * Stopping it closes them.
 */
export function startOwnMailSender(config: Config, databaseUrl: string, options: MailSenderOptions = {}): MailSender {
  const pool = createPool(databaseUrl, SENDER_CONNECTIONS);
  const sender = startMailSender({ config, db: pool }, options);
  return {
    wake: () => sender.wake(),
    async stop() {
      await sender.stop();
      await pool.end();
    },
  };
}
