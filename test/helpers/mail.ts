/**
 * Reading the platform's mail in tests: the .eml files of the outbox (no SMTP_URL) or messages received by a real
 * SMTP server on loopback (the `smtp-server` package), decoded (quoted-printable or base64) to find their links.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

/** The text of a raw RFC 5322 message: headers plus the decoded body. */
export function decodeMail(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = raw.slice(0, split);
  const body = raw.slice(split).trim();
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1].toLowerCase();
  let text = body;
  if (encoding === 'quoted-printable') {
    text = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    text = Buffer.from(text, 'latin1').toString('utf8');
  } else if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return `${headers}\n\n${text}`;
}

/** The first link of the message into the given client route (e.g. '/verify'), or undefined. */
export function linkIn(message: string, route: string): URL | undefined {
  const match = new RegExp(`https?://\\S+/#${route.replace(/\//g, '\\/')}(\\?\\S*)?`).exec(decodeMail(message));
  return match ? new URL(match[0]) : undefined;
}

/** The token of a link into the route (verify, reset-password), or undefined. */
export function tokenIn(message: string, route: string): string | undefined {
  const link = linkIn(message, route);
  if (!link) return undefined;
  return new URLSearchParams(link.hash.split('?')[1] ?? '').get('token') ?? undefined;
}

function outboxFilesFor(outboxDir: string, email: string): string[] {
  let names: string[];
  try {
    names = readdirSync(outboxDir);
  } catch {
    return [];
  }
  const suffix = `-${email.toLowerCase().replace(/[^a-z0-9@._-]/gi, '_')}.eml`;
  return names.filter((n) => n.endsWith(suffix)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** Waits (up to 10 s) for a new outbox message to `email` carrying a link into `route`; its raw text. */
export async function waitForOutboxMail(outboxDir: string, email: string, route: string, seen = new Set<string>()): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const files = outboxFilesFor(outboxDir, email).filter((f) => !seen.has(f));
    for (const file of files.reverse()) {
      const raw = readFileSync(join(outboxDir, file), 'utf8');
      if (linkIn(raw, route)) {
        seen.add(file);
        return raw;
      }
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${email} with a link to #${route} in ${outboxDir}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every outbox message to `email` so far (raw). */
export function outboxMails(outboxDir: string, email: string): string[] {
  return outboxFilesFor(outboxDir, email).map((f) => readFileSync(join(outboxDir, f), 'utf8'));
}

export interface ReceivedMail {
  readonly to: string[];
  readonly raw: string;
}

/** A real SMTP server on loopback that keeps every message it receives. */
export interface TestSmtp {
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Recipients it refused with a permanent 550 (one entry per refusal). */
  readonly refused: string[];
  /** Waits (up to 10 s) for a message to `email` with a link into `route`. */
  waitFor(email: string, route: string): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** The port to listen on (default: any free one), e.g. one a platform was configured with while it was down. */
  readonly port?: number;
  /** Recipients answered "550 mailbox unavailable" (a permanent refusal). */
  readonly refuse?: (recipient: string) => boolean;
}

export async function startTestSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const refused: string[] = [];
  const taken = new Set<ReceivedMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const recipient = address.address.toLowerCase();
      if (!options.refuse?.(recipient)) return callback();
      refused.push(recipient);
      callback(Object.assign(new Error(`mailbox ${recipient} unavailable`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refused,
    async waitFor(email, route) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const mail = [...received].reverse().find((m) => !taken.has(m) && m.to.includes(email.toLowerCase()) && linkIn(m.raw, route));
        if (mail) {
          taken.add(mail);
          return mail;
        }
        if (Date.now() > deadline) throw new Error(`no mail to ${email} with a link to #${route} received over SMTP`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The client route of the newest verification link mailed to `email` (`#/verify?token=…`), to open in a browser. */
export async function verificationHash(outboxDir: string, email: string): Promise<string> {
  return linkIn(await waitForOutboxMail(outboxDir, email, '/verify'), '/verify')!.hash;
}
