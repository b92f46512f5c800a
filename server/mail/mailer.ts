/**
 * Outgoing mail: through SMTP (nodemailer, SMTP_URL) or, with no SMTP configured (the embedded default), written
 * as .eml files under $DATA_DIR/outbox (mode 600: they hold single-use links) with one JSON log line per message
 * naming the file and its links, so `npm start` works alone. Sending never fails the request that caused it: a
 * message is handed over in the background and a delivery error is logged.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { logEvent } from '../../evaluator/index.ts';
import type { Config } from '../config.ts';

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** The links the text carries, by purpose (logged in outbox mode, for the person running the platform). */
  readonly links?: Readonly<Record<string, string>>;
}

export interface Mailer {
  /** Hands the message over; resolves when it is delivered or has failed (failures are logged, never thrown). */
  send(message: MailMessage): Promise<void>;
}

let outboxSerial = 0;

function outboxMailer(config: Config): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({ from: config.mailFrom, to: message.to, subject: message.subject, text: message.text });
        mkdirSync(config.mailOutboxDir, { recursive: true, mode: 0o700 });
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const file = join(config.mailOutboxDir, `${stamp}-${process.pid}-${++outboxSerial}-${message.to.replace(/[^a-z0-9@._-]/gi, '_')}.eml`);
        writeFileSync(file, info.message as Buffer, { mode: 0o600 });
        logEvent('info', 'mail written to the outbox (no SMTP_URL)', { to: message.to, subject: message.subject, file, links: message.links ?? {} });
      } catch (error) {
        logEvent('error', 'mail could not be written to the outbox', { to: message.to, subject: message.subject, error: (error as Error).message });
      }
    },
  };
}

function smtpMailer(config: Config, url: string): Mailer {
  const transport: Transporter = nodemailer.createTransport(url);
  return {
    async send(message) {
      try {
        await transport.sendMail({ from: config.mailFrom, to: message.to, subject: message.subject, text: message.text });
        logEvent('info', 'mail sent', { to: message.to, subject: message.subject });
      } catch (error) {
        logEvent('error', 'mail could not be sent', { to: message.to, subject: message.subject, error: (error as Error).message });
      }
    },
  };
}

const mailers = new WeakMap<Config, Mailer>();

/** The platform's mailer for this configuration (one per configuration object). */
export function mailerOf(config: Config): Mailer {
  let mailer = mailers.get(config);
  if (!mailer) {
    mailer = config.smtpUrl ? smtpMailer(config, config.smtpUrl) : outboxMailer(config);
    mailers.set(config, mailer);
  }
  return mailer;
}

/** Sends in the background: the caller's answer never waits for (or reveals) the delivery. */
export function sendMail(config: Config, message: MailMessage): void {
  void mailerOf(config).send(message);
}

/** A link into the client (hash routes), e.g. link(config, '/verify', { token }). */
export function clientLink(config: Config, route: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${config.publicUrl}/#${route}${search ? `?${search}` : ''}`;
}
