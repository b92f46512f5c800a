/**
 * The real app on a real port, with a fresh migrated database, a temporary storage folder and the real queue;
 * plus a small HTTP agent that keeps the session cookie and sends the CSRF token like the browser client does, and
 * checks every reply against the contract (contract/routes.ts: the route exists, the body matches its schema).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createApp } from '../../server/app.ts';
import type { AppDeps } from '../../server/app-deps.ts';
import { applyServerTimeouts } from '../../server/http/server-timeouts.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { createPool, type Pool } from '../../server/db/pool.ts';
import { startJobQueue } from '../../server/jobs/job-queue.ts';
import { startOwnMailSender, type MailSender } from '../../server/mail/mail-sender.ts';
import { queueOptions } from '../../server/runtime.ts';
import { createStorage } from '../../server/storage/create-storage.ts';
import { checkReply } from './contract-check.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { tokenIn, waitForOutboxMail } from './mail.ts';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface RequestOptions {
  /** Send the CSRF header (default true when the agent has a session). */
  csrf?: boolean;
  headers?: Record<string, string>;
}

export class Agent {
  private cookie?: string;
  private csrfToken?: string;
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
    /** Where the platform writes its mail when no SMTP_URL is set (the test app's $DATA_DIR/outbox). */
    private readonly outboxDir?: string,
  ) {}

  async request(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken && options.csrf !== false) headers['x-csrf-token'] = this.csrfToken;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload, redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const match = /carina_session=([^;]*)/.exec(setCookie);
      if (match) this.cookie = match[1] ? `carina_session=${match[1]}` : undefined;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    const reply: Reply = { status: res.status, headers: res.headers, body: parsed, text };
    checkReply(method, path, reply); // drift between the server and contract/ fails the test here
    if (reply.body && typeof reply.body === 'object' && 'csrfToken' in reply.body && reply.body.csrfToken) {
      this.csrfToken = reply.body.csrfToken as string;
    }
    return reply;
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, undefined, options);
  }
  post(path: string, body?: unknown, options?: RequestOptions) {
    return this.request('POST', path, body ?? {}, options);
  }
  patch(path: string, body?: unknown, options?: RequestOptions) {
    return this.request('PATCH', path, body ?? {}, options);
  }
  delete(path: string, options?: RequestOptions) {
    return this.request('DELETE', path, undefined, options);
  }

  /** multipart/form-data upload of files from disk (field name `files` unless given) plus text fields. */
  upload(path: string, files: Array<string | { path: string; name?: string; field?: string }>, fields: Record<string, string> = {}, options?: RequestOptions) {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    for (const file of files) {
      const f = typeof file === 'string' ? { path: file } : file;
      form.append(f.field ?? 'files', new Blob([readFileSync(f.path)]), f.name ?? basename(f.path));
    }
    return this.request('POST', path, form, options);
  }

  /**
   * Registers a user, verifies the address through the real mail path (the link's token from the .eml the
   * platform wrote to its outbox) and keeps the session the verification starts.
   */
  async register(email: string, password = 'password123', displayName = email.split('@')[0]): Promise<Reply> {
    const reply = await this.post('/api/auth/register', { email, password, displayName });
    if (reply.status !== 202) throw new Error(`register ${email}: ${reply.status} ${reply.text}`);
    if (!this.outboxDir) throw new Error('this agent has no outbox to read the verification mail from (SMTP_URL is set)');
    const token = tokenIn(await waitForOutboxMail(this.outboxDir, email, '/verify'), '/verify');
    const verified = await this.post('/api/auth/verify', { token });
    if (verified.status !== 200) throw new Error(`verify ${email}: ${verified.status} ${verified.text}`);
    return verified;
  }

  async login(email: string, password = 'password123'): Promise<Reply> {
    const reply = await this.post('/api/auth/login', { email, password });
    if (reply.status !== 200) throw new Error(`login ${email}: ${reply.status} ${reply.text}`);
    return reply;
  }
}

export interface TestApp {
  readonly baseUrl: string;
  readonly db: Pool;
  readonly deps: AppDeps;
  readonly database: TestDatabase;
  readonly storageDir: string;
  /** The .eml outbox (no SMTP_URL): $DATA_DIR/outbox. */
  readonly outboxDir: string;
  /** The app's mail sender, as a server process runs one (delivers the mail_outbox table); none on a second server. */
  readonly mailSender: MailSender | undefined;
  agent(options?: { token?: string }): Agent;
  close(keepDatabase?: boolean): Promise<void>;
}

export interface TestAppOptions {
  /**
   * Another server process of the same platform: this app uses that app's database and storage folder (its own data
   * folder, connection pool, queue client and throttles), and closing it leaves those to that app.
   */
  readonly secondServerOf?: TestApp;
}

export async function createTestApp(label: string, env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.secondServerOf;
  const database = shared ? shared.database : await createTestDatabase(label);
  const storageDir = shared ? shared.storageDir : mkdtempSync(join(tmpdir(), 'carina-storage-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'carina-data-'));
  // registration and mail requests all come from 127.0.0.1 here: their per-address limits are lifted unless a
  // suite sets them (test/server/throttling.test.ts)
  const config: Config = loadConfig({
    STORAGE_DIR: storageDir,
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    LOGIN_ATTEMPTS_PER_MINUTE: '10',
    REGISTRATIONS_PER_HOUR: '100000',
    MAIL_REQUESTS_PER_HOUR: '100000',
    ...env,
  });
  // local files under storageDir, or the object store when env selects it (STORAGE_URL=s3://…)
  const storage = await createStorage(config);
  const queue = await startJobQueue(database.url, { ...queueOptions(config), pollingIntervalS: 0.5 });
  // a second server has its own connections, as a second process would
  const pool = shared ? createPool(database.url) : database.pool;
  const deps: AppDeps = { config, db: pool, storage, queue };
  // one sender per database here: a second server's would write .eml files into its own data folder, where the
  // first app's helpers do not look (with SMTP both would deliver, each mail once)
  const mailSender = shared ? undefined : startOwnMailSender(config, database.url);
  const server: Server = await new Promise((resolve) => {
    const s = applyServerTimeouts(createApp(deps).listen(0, '127.0.0.1', () => resolve(s)));
  });
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    baseUrl,
    db: pool,
    deps,
    database,
    storageDir,
    outboxDir: config.mailOutboxDir,
    mailSender,
    agent: (options = {}) => new Agent(baseUrl, options.token, config.smtpUrl ? undefined : config.mailOutboxDir),
    async close(keepDatabase = false) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await queue.stop(false).catch(() => undefined);
      await mailSender?.stop();
      if (shared) await pool.end();
      else {
        await database.dispose(keepDatabase);
        rmSync(storageDir, { recursive: true, force: true });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
