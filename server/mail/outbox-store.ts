/**
 * SQL of the mail outbox (migrations/0016_mail_outbox.sql): queue a mail (in the caller's transaction), claim the
 * next due one (`for update skip locked`, and a lease: the claim moves next_attempt_at forward so no other sender
 * takes the row while it is being delivered), and record the outcome. Sent and given-up rows lose their body and
 * links at once, so no single-use link stays in the table after it left.
 */
import type { Pool, PoolClient } from '../db/pool.ts';

/** The pool or, inside the caller's transaction, its client. */
export type Queryable = Pool | PoolClient;

/** What a mail is about (kept with the row, logged with each delivery attempt). */
export type MailKind =
  | 'verify'
  | 'reset'
  | 'already-registered'
  | 'organiser-invitation'
  | 'team-decision'
  | 'submission-finished'
  | 'phase-opened'
  | 'test';

export interface MailMessage {
  readonly kind: MailKind;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** The links the text carries, by purpose (logged in .eml mode, for the person running the platform). */
  readonly links?: Readonly<Record<string, string>>;
  /** Not delivered within this many minutes → given up (default 24 h); a mailed link's own lifetime. */
  readonly giveUpAfterMinutes?: number;
}

export const DEFAULT_GIVE_UP_MINUTES = 24 * 60;

/** Queues a mail; the senders are woken when the caller's transaction commits (the table's insert trigger). */
export async function insertMail(db: Queryable, message: MailMessage): Promise<number> {
  const result = await db.query<{ id: number }>(
    `insert into mail_outbox (kind, recipient, subject, body_text, body_html, links, give_up_at)
     values ($1, $2, $3, $4, $5, $6, now() + make_interval(mins => $7)) returning id`,
    [
      message.kind,
      message.to,
      message.subject,
      message.text,
      message.html ?? null,
      message.links ? JSON.stringify(message.links) : null,
      Math.min(message.giveUpAfterMinutes ?? DEFAULT_GIVE_UP_MINUTES, DEFAULT_GIVE_UP_MINUTES),
    ],
  );
  return result.rows[0].id;
}

/** A claimed mail, with the attempt it is on (1 for the first) and how long it may still be retried. */
export interface ClaimedMail {
  readonly id: number;
  readonly kind: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string | null;
  readonly links: Record<string, string> | null;
  readonly attempts: number;
  /** Milliseconds until give_up_at (database clock). */
  readonly msLeft: number;
}

/** Takes the oldest due mail for `leaseS` seconds (no other sender sees it meanwhile); undefined when none is due. */
export async function claimNextMail(db: Pool, leaseS: number): Promise<ClaimedMail | undefined> {
  const result = await db.query<ClaimedMail>(
    `update mail_outbox set attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $1)
     where id = (select id from mail_outbox
                 where sent_at is null and failed_at is null and next_attempt_at <= now() and give_up_at > now()
                 order by next_attempt_at, id limit 1 for update skip locked)
     returning id, kind, recipient as "to", subject, body_text as text, body_html as html, links, attempts,
               (extract(epoch from give_up_at - now()) * 1000)::float8 as "msLeft"`,
    [leaseS],
  );
  return result.rows[0];
}

const FORGET_BODY = 'body_text = null, body_html = null, links = null';

export async function markMailSent(db: Pool, id: number): Promise<void> {
  await db.query(`update mail_outbox set sent_at = now(), last_error = null, ${FORGET_BODY} where id = $1`, [id]);
}

export async function markMailRetry(db: Pool, id: number, error: string, delayMs: number): Promise<void> {
  await db.query(`update mail_outbox set last_error = $2, next_attempt_at = now() + make_interval(secs => $3) where id = $1`, [id, error, delayMs / 1000]);
}

export async function markMailFailed(db: Pool, id: number, error: string): Promise<void> {
  await db.query(`update mail_outbox set failed_at = now(), last_error = $2, ${FORGET_BODY} where id = $1`, [id, error]);
}

export interface OverdueMail {
  readonly id: number;
  readonly kind: string;
  readonly to: string;
  readonly attempts: number;
  readonly lastError: string | null;
}

/** Gives up the mails whose time is over and that no sender is delivering now (their lease has ended). */
export async function failOverdueMails(db: Pool): Promise<OverdueMail[]> {
  const result = await db.query<OverdueMail>(
    `update mail_outbox set failed_at = now(), last_error = coalesce(last_error, 'not delivered in time'), ${FORGET_BODY}
     where id in (select id from mail_outbox
                  where sent_at is null and failed_at is null and give_up_at <= now() and next_attempt_at <= now()
                  for update skip locked)
     returning id, kind, recipient as "to", attempts, last_error as "lastError"`,
  );
  return result.rows;
}

/** Milliseconds until the next mail is due (0 when one is due now); undefined when nothing is waiting. */
export async function msUntilNextMail(db: Pool): Promise<number | undefined> {
  const result = await db.query<{ ms: number | null }>(
    `select greatest(0, extract(epoch from min(next_attempt_at) - now()) * 1000)::float8 as ms
     from mail_outbox where sent_at is null and failed_at is null`,
  );
  const ms = result.rows[0]?.ms;
  return ms === null || ms === undefined ? undefined : Number(ms);
}

/** Mails not delivered yet and never refused (queued), delivered after a failed attempt (retrying), given up (failed). */
export async function mailOutboxCounts(db: Pool): Promise<{ queued: number; retrying: number; failed: number }> {
  const row = (
    await db.query<{ queued: number; retrying: number; failed: number }>(
      `select count(*) filter (where failed_at is null and last_error is null)::float8 as queued,
              count(*) filter (where failed_at is null and last_error is not null)::float8 as retrying,
              count(*) filter (where failed_at is not null)::float8 as failed
       from mail_outbox where sent_at is null`,
    )
  ).rows[0];
  return { queued: Number(row.queued), retrying: Number(row.retrying), failed: Number(row.failed) };
}

/** Housekeeping: sent mails after `sentDays` (their body is gone already), given-up ones after `failedDays`. */
export async function purgeOldMails(db: Queryable, sentDays: number, failedDays: number): Promise<number> {
  const result = await db.query(
    `delete from mail_outbox where sent_at < now() - make_interval(days => $1) or failed_at < now() - make_interval(days => $2)`,
    [sentDays, failedDays],
  );
  return result.rowCount ?? 0;
}
