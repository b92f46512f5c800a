/**
 * Outgoing mail, as the features see it: `queueMail` writes the message to the outbox table (outbox-store.ts),
 * in the caller's transaction when it passes its client, so a mail exists exactly when the change that causes it
 * does; the sender of each server process (mail-sender.ts) delivers it, retrying while SMTP is away. Queuing never
 * waits for (or reveals) the delivery.
 */
import type { Config } from '../config.ts';
import { insertMail, type MailMessage, type Queryable } from './outbox-store.ts';

export type { MailKind, MailMessage } from './outbox-store.ts';

/** Queues a mail for delivery; committed with the caller's transaction when `db` is its client. */
export async function queueMail(db: Queryable, message: MailMessage): Promise<void> {
  await insertMail(db, message);
}

/** A link into the client (hash routes), e.g. link(config, '/verify', { token }). */
export function clientLink(config: Config, route: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${config.publicUrl}/#${route}${search ? `?${search}` : ''}`;
}
