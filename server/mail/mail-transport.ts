/**
 * How a claimed mail leaves: through SMTP (nodemailer, SMTP_URL) or, with no SMTP configured (the embedded
 * default), as an .eml file under $DATA_DIR/outbox (mode 600: they hold single-use links) with one JSON log line
 * per message naming the file and its links, so `npm start` works alone. A failure throws: the sender
 * (mail-sender.ts) decides whether to retry. The SMTP timeouts bound one attempt well inside the sender's lease.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { logEvent } from '../../evaluator/index.ts';
import type { Config } from '../config.ts';
import type { ClaimedMail } from './outbox-store.ts';

export interface MailTransport {
  /** 'smtp' or 'eml' (written to $DATA_DIR/outbox). */
  readonly mode: 'smtp' | 'eml';
  /** Resolves once the message is handed over (SMTP accepted it, or the file is written); throws otherwise. */
  deliver(mail: ClaimedMail): Promise<void>;
  close(): void;
}

let emlSerial = 0;

function emlTransport(config: Config): MailTransport {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    mode: 'eml',
    async deliver(mail) {
      const info = await transport.sendMail({ from: config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? undefined });
      mkdirSync(config.mailOutboxDir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = join(config.mailOutboxDir, `${stamp}-${process.pid}-${++emlSerial}-${mail.to.replace(/[^a-z0-9@._-]/gi, '_')}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      logEvent('info', 'mail written to the outbox (no SMTP_URL)', { mail: mail.id, kind: mail.kind, to: mail.to, subject: mail.subject, file, links: mail.links ?? {} });
    },
    close() {
      transport.close();
    },
  };
}

function smtpTransport(config: Config, url: string): MailTransport {
  const transport = nodemailer.createTransport({ url, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000, dnsTimeout: 30_000 });
  return {
    mode: 'smtp',
    async deliver(mail) {
      await transport.sendMail({ from: config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? undefined });
      // the link itself is never logged here: it reached its recipient only
      logEvent('info', 'mail sent', { mail: mail.id, kind: mail.kind, to: mail.to, subject: mail.subject, attempt: mail.attempts });
    },
    close() {
      transport.close();
    },
  };
}

export function createMailTransport(config: Config): MailTransport {
  return config.smtpUrl ? smtpTransport(config, config.smtpUrl) : emlTransport(config);
}

/** One line for last_error and the logs: the SMTP reply code (5xx permanent, 4xx temporary) or the error code. */
export function describeMailError(error: unknown): string {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const code = e.responseCode ?? e.code;
  const message = (e.message ?? String(error)).replace(/\s+/g, ' ').trim();
  return (code ? `${code}: ${message}` : message).slice(0, 500);
}
