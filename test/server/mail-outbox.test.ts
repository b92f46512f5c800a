/**
 * Durable mail over a real SMTP server on loopback (the `smtp-server` package): every mail is a mail_outbox row
 * first and the sender retries until it is delivered or given up.
 * - SMTP down when a user registers: the answer is still 202 and the mail waits; SMTP comes up on its address: the
 *   verification mail arrives after a retry and its link works; the sent row keeps no body and no link;
 * - a permanent refusal (550) is retried up to MAIL_MAX_ATTEMPTS, then the row is marked failed (body dropped) and
 *   /metrics counts it;
 * - a mail whose time is over before any attempt is given up unsent;
 * - two senders (as two server processes, each with its own pool) never deliver one mail twice;
 * - a sender stopped while it waits for its LISTEN connection releases it when it comes (the pool can end).
 */
import assert from 'node:assert/strict';
import { runHousekeeping } from '../../server/housekeeping.ts';
import { freePort } from '../../server/db/embedded-postgres.ts';
import { createPool, inTransaction } from '../../server/db/pool.ts';
import { retryDelayMs, startMailSender } from '../../server/mail/mail-sender.ts';
import { createMailTransport } from '../../server/mail/mail-transport.ts';
import { queueMail } from '../../server/mail/mailer.ts';
import { startTestSmtp, tokenIn, type TestSmtp } from '../helpers/mail.ts';
import { waitFor } from '../helpers/platform-rows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

interface OutboxRow {
  id: number;
  kind: string;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
  failed_at: Date | null;
  body_text: string | null;
  links: unknown;
}

async function outboxRow(t: TestApp, to: string): Promise<OutboxRow | undefined> {
  return (await t.db.query<OutboxRow>('select * from mail_outbox where recipient = $1 order by id desc limit 1', [to])).rows[0];
}

describe('mail outbox: queued first, delivered with retries', function () {
  this.timeout(60_000);
  let port: number;
  let smtp: TestSmtp | undefined;
  let t: TestApp;
  before(async () => {
    port = await freePort(); // nobody listens there yet: the SMTP server is down
    // short delays, so a retry comes within a test; attempts enough to outlast the outage below
    t = await createTestApp('mail_outbox', { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_RETRY_BASE_MS: '100', MAIL_RETRY_MAX_MS: '300', MAIL_MAX_ATTEMPTS: '1000' });
  });
  after(async function () {
    await t?.close(this.currentTest?.state === 'failed');
    await smtp?.close();
  });

  it('registers while SMTP is down (202, nothing lost); the verification mail arrives once SMTP is up, and its link works', async () => {
    const agent = t.agent();
    const email = 'patient@example.org';
    const reply = await agent.post('/api/auth/register', { email, password: 'password123', displayName: 'Patient' });
    assert.equal(reply.status, 202, reply.text);
    const waiting = await waitFor('two failed attempts', async () => {
      const row = await outboxRow(t, email);
      return row && row.attempts >= 2 && row.last_error ? row : undefined;
    }, 10_000, 20);
    assert.equal(waiting.kind, 'verify');
    assert.equal(waiting.sent_at, null);
    assert.equal(waiting.failed_at, null);
    assert.match(waiting.last_error!, /ECONNECTION|ECONNREFUSED/, 'the connection was refused');
    assert.match(waiting.body_text!, /#\/verify\?token=/, 'the mail waits with its link');

    smtp = await startTestSmtp({ port, refuse: (to) => to.startsWith('refused') });
    const mail = await smtp.waitFor(email, '/verify');
    const verified = await agent.post('/api/auth/verify', { token: tokenIn(mail.raw, '/verify') });
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.body.user.emailVerified, true);

    const sent = await waitFor('the row marked sent', async () => {
      const row = await outboxRow(t, email);
      return row?.sent_at ? row : undefined;
    }, 5_000, 20);
    assert.ok(sent.attempts >= 3, `delivered on a retry (attempt ${sent.attempts})`);
    assert.equal(sent.body_text, null, 'no single-use link stays in the table once the mail left');
    assert.equal(sent.links, null);
    assert.equal(sent.last_error, null);
    assert.equal(smtp.received.filter((m) => m.to.includes(email)).length, 1, 'delivered once');
  });

  it('two senders (two processes) never deliver the same mail twice', async () => {
    smtp ??= await startTestSmtp({ port }); // up since the test above, or now when this test runs alone
    const otherPool = createPool(t.database.url, 4);
    // the second sender, with its own pool and transport (the test app's sender is the first); which of them
    // delivers a given mail is up to the race, so only the received messages are checked (without `skip locked`
    // some arrive twice)
    const other = startMailSender({ config: t.deps.config, db: otherPool }, { transport: createMailTransport(t.deps.config) });
    try {
      await inTransaction(t.db, async (client) => {
        for (let n = 0; n < 40; n++) await queueMail(client, { kind: 'test', to: 'race@example.org', subject: `race ${n}`, text: `mail ${n}` });
      });
      await waitFor('every race mail sent', async () => {
        const n = (await t.db.query(`select count(*)::int as n from mail_outbox where recipient = 'race@example.org' and sent_at is not null`)).rows[0].n;
        return n === 40;
      }, 20_000, 20);
      const subjects = smtp.received.filter((m) => m.to.includes('race@example.org')).map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1]);
      assert.equal(subjects.length, 40, 'forty messages received, no more');
      assert.equal(new Set(subjects).size, 40, 'each one once');
      const attempts = (await t.db.query(`select distinct attempts from mail_outbox where recipient = 'race@example.org'`)).rows;
      assert.deepEqual(attempts, [{ attempts: 1 }], 'each claimed once');
    } finally {
      await other.stop();
      await otherPool.end();
    }
  });
});

describe('mail sender: stopping', function () {
  this.timeout(30_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp('mail_stop');
  });
  after(async function () {
    await t?.close(this.currentTest?.state === 'failed');
  });

  it('stopped while it waits for a connection: it does not keep it once it comes, so the pool can end', async () => {
    const pool = createPool(t.database.url, 1);
    const held = await pool.connect(); // the pool's only connection: the sender's LISTEN waits for it
    const sender = startMailSender({ config: t.deps.config, db: pool });
    await sender.stop(); // gives up waiting for the round after its 5 s
    held.release();
    let ended = false;
    const ending = pool.end().then(() => (ended = true));
    await waitFor('the pool to end', async () => ended, 5_000, 20).catch(() => undefined);
    assert.ok(ended, 'the pool never ended: the stopped sender took the connection for its LISTEN and kept it');
    assert.equal(pool.totalCount, 0);
    await ending;
  });
});

describe('mail outbox: a permanent refusal', function () {
  this.timeout(60_000);
  let smtp: TestSmtp;
  let t: TestApp;
  before(async () => {
    smtp = await startTestSmtp({ refuse: (to) => to.startsWith('refused') });
    t = await createTestApp('mail_refused', { SMTP_URL: smtp.url, MAIL_RETRY_BASE_MS: '50', MAIL_RETRY_MAX_MS: '100', MAIL_MAX_ATTEMPTS: '3', METRICS_CACHE_S: '0' });
  });
  after(async function () {
    await t?.close(this.currentTest?.state === 'failed');
    await smtp?.close();
  });

  it('is retried up to MAIL_MAX_ATTEMPTS, then marked failed without its body, and counted in /metrics', async () => {
    const email = 'refused@example.org';
    assert.equal((await t.agent().post('/api/auth/register', { email, password: 'password123', displayName: 'R' })).status, 202);
    const failed = await waitFor('the mail given up', async () => {
      const row = await outboxRow(t, email);
      return row?.failed_at ? row : undefined;
    }, 10_000, 20);
    assert.equal(failed.attempts, 3);
    assert.match(failed.last_error!, /^550: /, 'the SMTP reply code is kept');
    assert.equal(failed.sent_at, null);
    assert.equal(failed.body_text, null, 'a given-up mail keeps no link either');
    assert.deepEqual(smtp.refused, [email, email, email], 'three attempts reached the server, no fourth');
    assert.equal(smtp.received.length, 0);

    // a mail to someone else still goes through
    assert.equal((await t.agent().post('/api/auth/register', { email: 'fine@example.org', password: 'password123', displayName: 'F' })).status, 202);
    await smtp.waitFor('fine@example.org', '/verify');
    await waitFor('the other mail marked sent', async () => (await outboxRow(t, 'fine@example.org'))?.sent_at, 5_000, 20);

    const metrics = (await t.agent().get('/metrics')).text;
    assert.match(metrics, /^carina_mail_outbox\{state="failed"\} 1$/m);
    assert.match(metrics, /^carina_mail_outbox\{state="queued"\} 0$/m);
    assert.match(metrics, /^carina_mail_outbox\{state="retrying"\} 0$/m);
  });

  it('gives up a mail whose time is over before any attempt (a link that expired while no server ran)', async () => {
    await t.db.query(
      `insert into mail_outbox (kind, recipient, subject, body_text, links, give_up_at)
       values ('reset', 'late@example.org', 'late', 'a link', '{"reset": "x"}', now() - interval '1 second')`,
    );
    const late = await waitFor('the late mail given up', async () => {
      const row = await outboxRow(t, 'late@example.org');
      return row?.failed_at ? row : undefined;
    }, 10_000, 20);
    assert.equal(late.attempts, 0);
    assert.equal(late.last_error, 'not delivered in time');
    assert.equal(late.body_text, null);
    assert.equal(late.links, null);
    assert.ok(!smtp.received.some((m) => m.to.includes('late@example.org')), 'never sent');
  });

  it('housekeeping purges mails sent over 7 days ago and given up over 30 days ago, and keeps newer ones', async () => {
    await t.db.query(
      `insert into mail_outbox (kind, recipient, subject, sent_at, failed_at) values
         ('test', 'old-sent@example.org', 's', now() - interval '8 days', null),
         ('test', 'new-sent@example.org', 's', now() - interval '6 days', null),
         ('test', 'old-failed@example.org', 's', null, now() - interval '31 days'),
         ('test', 'new-failed@example.org', 's', null, now() - interval '8 days')`,
    );
    const purged = await runHousekeeping(t.deps);
    assert.equal(purged.mails, 2);
    const left = (await t.db.query(`select recipient from mail_outbox where recipient like '%-sent@%' or recipient like '%-failed@%' order by recipient`)).rows.map((r) => r.recipient);
    assert.deepEqual(left, ['new-failed@example.org', 'new-sent@example.org']);
  });
});

describe('mail retry delay', () => {
  it('starts at the base, doubles, and stops at the cap', () => {
    const retry = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 25 };
    assert.deepEqual([1, 2, 3, 4, 7, 8, 9, 25, 1000].map((n) => retryDelayMs(n, retry)), [30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000, 3_600_000]);
  });
});
