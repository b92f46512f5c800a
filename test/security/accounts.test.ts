/**
 * Accounts as an attacker tries them (issue 11, findings 1, 4 and 6), through the real HTTP API with a real SMTP
 * server on loopback (the `smtp-server` package) whose received messages are opened and their links followed:
 * - CARINA_ORGANISER never promotes an account someone else registered (unverified); the address's owner gets it
 *   by following the link; promotion ends the account's sessions and tokens;
 * - password reset by mail: single use, ends every session and token;
 * - log-in costs the same for an unknown address (no enumeration by timing);
 * - throttling: a parallel burst gets no more guesses than the limit, spraying many accounts from one address is
 *   throttled, one address cannot lock an account out for its owner, registration and reset are throttled;
 * - the session cookie is Secure over HTTPS (PUBLIC_URL https, or X-Forwarded-Proto from a trusted proxy);
 * - housekeeping purges expired sessions, links and counters.
 */
import assert from 'node:assert/strict';
import { runHousekeeping } from '../../server/housekeeping.ts';
import { ensureConfiguredOrganiser } from '../../server/auth/organiser-bootstrap.ts';
import { startTestSmtp, tokenIn, waitForOutboxMail, type TestSmtp } from '../helpers/mail.ts';
import { createTestApp, type Agent, type TestApp } from '../helpers/test-app.ts';

const ORGANISER = 'boss@example.org';
const ORGANISER_PASSWORD = 'configured organiser password';

async function verifiedOverSmtp(t: TestApp, smtp: TestSmtp, email: string, password: string): Promise<Agent> {
  const agent = t.agent();
  assert.equal((await agent.post('/api/auth/register', { email, password, displayName: email.split('@')[0] })).status, 202);
  const mail = await smtp.waitFor(email, '/verify');
  const verified = await agent.post('/api/auth/verify', { token: tokenIn(mail.raw, '/verify') });
  assert.equal(verified.status, 200, verified.text);
  return agent;
}

describe('accounts under attack: organiser bootstrap, mail links, enumeration, throttling, cookies', function () {
  this.timeout(120_000);
  let smtp: TestSmtp;
  let t: TestApp;
  before(async () => {
    smtp = await startTestSmtp();
    t = await createTestApp('accounts', { SMTP_URL: smtp.url, CARINA_ORGANISER: `${ORGANISER}:${ORGANISER_PASSWORD}` });
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
    await smtp.close();
  });

  it('CARINA_ORGANISER does not promote an account someone else registered; the address owner gets it through the mailed link', async () => {
    // the attacker registers the organiser's address first, logs in and makes an API token
    const attacker = t.agent();
    assert.equal((await attacker.post('/api/auth/register', { email: ORGANISER, password: 'attacker password', displayName: 'Mallory' })).status, 202);
    // the registration's own link (taken here, so that the owner below follows the one mailed at start-up)
    assert.ok(await smtp.waitFor(ORGANISER, '/verify'));
    await attacker.login(ORGANISER, 'attacker password');
    const tokenRow = await t.db.query(`insert into api_tokens (user_id, name, token_hash, prefix, expires_at)
      select id, 'mallory', encode(sha256('carina_mallory_token'::bytea), 'hex'), 'carina_mallo', now() + interval '1 day' from users where email = $1 returning id`, [ORGANISER]);
    assert.equal(tokenRow.rowCount, 1);
    const attackerToken = t.agent({ token: 'carina_mallory_token' });
    assert.equal((await attackerToken.get('/api/auth/me')).status, 200);

    // the platform starts with CARINA_ORGANISER set
    assert.equal(await ensureConfiguredOrganiser(t.deps), 'not-promoted-unverified');
    const row = (await t.db.query('select is_admin, email_verified_at from users where email = $1', [ORGANISER])).rows[0];
    assert.equal(row.is_admin, false, 'an unverified account is never promoted');
    assert.equal((await attacker.get('/api/auth/me')).status, 401, "the attacker's session is gone");
    assert.equal((await attackerToken.get('/api/auth/me')).status, 401, "the attacker's API token is revoked");
    assert.equal((await t.agent().post('/api/auth/login', { email: ORGANISER, password: 'attacker password' })).status, 401, "the attacker's password no longer works");
    const configured = t.agent();
    await configured.login(ORGANISER, ORGANISER_PASSWORD);
    const refused = await configured.post('/api/challenges', { slug: 'takeover', title: 'Take-over', participationPolicy: 'auto' });
    assert.equal(refused.status, 403, 'not an admin before the address is verified');

    // the owner of the address follows the link mailed at start-up: verified and promoted, earlier sessions ended
    const mail = await smtp.waitFor(ORGANISER, '/verify');
    const owner = t.agent();
    const verified = await owner.post('/api/auth/verify', { token: tokenIn(mail.raw, '/verify') });
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.body.user.isAdmin, true);
    assert.equal((await configured.get('/api/auth/me')).status, 401, 'sessions from before the promotion are ended');
    assert.equal((await owner.post('/api/challenges', { slug: 'owned', title: 'Owned', participationPolicy: 'auto' })).status, 201);
    // and the next start leaves it as it is
    assert.equal(await ensureConfiguredOrganiser(t.deps), 'unchanged');
  });

  it('CARINA_ORGANISER promotes a verified account only after ending its sessions and tokens, and creates a missing one verified', async () => {
    const other = await createTestApp('accounts_bootstrap', { SMTP_URL: smtp.url, CARINA_ORGANISER: `chief@example.org:${ORGANISER_PASSWORD}` });
    try {
      assert.equal(await ensureConfiguredOrganiser(other.deps), 'created');
      const created = (await other.db.query('select is_admin, email_verified_at from users where email = $1', ['chief@example.org'])).rows[0];
      assert.equal(created.is_admin, true);
      assert.notEqual(created.email_verified_at, null);
      // an existing verified non-admin (e.g. the owner registered before the operator set the variable)
      await other.db.query(`update users set is_admin = false where email = 'chief@example.org'`);
      const before = other.agent();
      await before.login('chief@example.org', ORGANISER_PASSWORD);
      assert.equal(await ensureConfiguredOrganiser(other.deps), 'promoted');
      assert.equal((await before.get('/api/auth/me')).status, 401, 'a session issued to the non-admin does not become an admin session');
      const after = other.agent();
      assert.equal((await after.login('chief@example.org', ORGANISER_PASSWORD)).body.user.isAdmin, true);
    } finally {
      await other.close();
    }
  });

  it('an unverified account of the invited address sees no invitation and cannot accept it (naming an address grants nothing)', async () => {
    const admin = t.agent();
    await admin.login(ORGANISER, ORGANISER_PASSWORD);
    assert.equal((await admin.post('/api/challenges/owned/organisers', { email: 'helper@example.org' })).status, 202);
    assert.ok(await smtp.waitFor('helper@example.org', '/invitations'));
    const squatter = t.agent();
    await squatter.post('/api/auth/register', { email: 'helper@example.org', password: 'squatter password', displayName: 'S' });
    await squatter.login('helper@example.org', 'squatter password');
    assert.deepEqual((await squatter.get('/api/invitations')).body.invitations, [], 'no invitations for an unverified address');
    const id = (await t.db.query(`select id from organiser_invitations where email = 'helper@example.org'`)).rows[0].id;
    const refused = await squatter.post(`/api/invitations/${id}/accept`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'EMAIL_NOT_VERIFIED');
    assert.equal((await squatter.get('/api/challenges/owned')).body.me.organiser, false);
  });

  it('resets a password through the mailed link: once, ending every session and token', async () => {
    const user = await verifiedOverSmtp(t, smtp, 'reset@example.org', 'old password 1');
    const token = (await user.post('/api/tokens', { name: 'cli' })).body.token as string;
    const anonymous = t.agent();
    assert.equal((await anonymous.post('/api/auth/password/forgot', { email: 'reset@example.org' })).status, 202);
    const unknown = await anonymous.post('/api/auth/password/forgot', { email: 'nobody@example.org' });
    assert.equal(unknown.status, 202, 'the same answer for an address without an account');
    const link = tokenIn((await smtp.waitFor('reset@example.org', '/reset-password')).raw, '/reset-password');
    const stored = (await t.db.query(`select token_hash from account_tokens where purpose = 'reset'`)).rows.map((r) => r.token_hash);
    assert.ok(!stored.includes(link), 'only a hash of the link token is stored');
    const reset = await anonymous.post('/api/auth/password/reset', { token: link, password: 'new password 2' });
    assert.equal(reset.status, 200, reset.text);
    assert.equal((await user.get('/api/auth/me')).status, 401, 'the old session is ended');
    assert.equal((await t.agent({ token }).get('/api/auth/me')).status, 401, 'the API token is revoked');
    assert.equal((await t.agent().post('/api/auth/login', { email: 'reset@example.org', password: 'old password 1' })).status, 401);
    assert.equal((await t.agent().post('/api/auth/login', { email: 'reset@example.org', password: 'new password 2' })).status, 200);
    const again = await t.agent().post('/api/auth/password/reset', { token: link, password: 'third password 3' });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'LINK_INVALID');
    await t.db.query(`update account_tokens set expires_at = now() - interval '1 second'`);
    await anonymous.post('/api/auth/password/forgot', { email: 'reset@example.org' });
    const fresh = tokenIn((await smtp.waitFor('reset@example.org', '/reset-password')).raw, '/reset-password');
    await t.db.query(`update account_tokens set expires_at = now() - interval '1 second' where used_at is null`);
    assert.equal((await t.agent().post('/api/auth/password/reset', { token: fresh, password: 'third password 3' })).body.error.code, 'LINK_INVALID', 'an expired link');
  });

  it('log-in takes as long for an unknown address as for a wrong password (no enumeration by timing)', async () => {
    await verifiedOverSmtp(t, smtp, 'timing@example.org', 'timing password');
    const time = async (email: string) => {
      const started = performance.now();
      const reply = await t.agent().post('/api/auth/login', { email, password: 'wrong password' }, { headers: {} });
      assert.equal(reply.status, 401);
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let n = 0; n < 4; n++) {
      known.push(await time('timing@example.org'));
      unknown.push(await time(`ghost${n}@example.org`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    assert.ok(median(unknown) > 0.5 * median(known), `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`);
  });
});

describe('throttling: atomic, by account and by address, behind a trusted proxy', function () {
  this.timeout(120_000);
  let t: TestApp;
  const via = (address: string) => ({ headers: { 'x-forwarded-for': address } });
  before(async () => {
    // the test client plays the one trusted proxy hop: X-Forwarded-For's last entry is the client address
    t = await createTestApp('throttling', { TRUST_PROXY: '1', LOGIN_ATTEMPTS_PER_MINUTE: '5', REGISTRATIONS_PER_HOUR: '3', MAIL_REQUESTS_PER_HOUR: '3' });
    for (const email of ['victim@example.org', 'burst@example.org']) {
      await t.db.query(`insert into users (email, display_name, password_hash, email_verified_at) values ($1, 'v', $2, now())`, [email, await (await import('../../server/auth/secrets.ts')).hashPassword('victim password')]);
    }
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
  });

  it('a parallel burst of 30 guesses gets no more than the limit (5) checked', async () => {
    const replies = await Promise.all(Array.from({ length: 30 }, (_, n) => t.agent().post('/api/auth/login', { email: 'burst@example.org', password: `guess ${n}` }, via('198.51.100.1'))));
    const checked = replies.filter((r) => r.status === 401).length;
    const limited = replies.filter((r) => r.status === 429);
    assert.ok(checked <= 5, `${checked} guesses were checked`);
    assert.equal(checked + limited.length, 30);
    assert.match(limited[0].headers.get('retry-after') ?? '', /^\d+$/);
  });

  it('spraying many accounts from one address is throttled', async () => {
    let last = 0;
    for (let n = 0; n < 17; n++) last = (await t.agent().post('/api/auth/login', { email: `sprayed${n}@example.org`, password: 'Winter2026!' }, via('198.51.100.2'))).status;
    assert.equal(last, 429);
  });

  it('one address cannot lock an account out for its owner', async () => {
    for (let n = 0; n < 8; n++) await t.agent().post('/api/auth/login', { email: 'victim@example.org', password: `guess ${n}` }, via('198.51.100.3'));
    assert.equal((await t.agent().post('/api/auth/login', { email: 'victim@example.org', password: 'victim password' }, via('198.51.100.3'))).status, 429, 'the attacker is throttled');
    assert.equal((await t.agent().post('/api/auth/login', { email: 'victim@example.org', password: 'victim password' }, via('192.0.2.20'))).status, 200, 'the owner, elsewhere, is not');
    // many addresses spend the account's own limit (10 × 5 an hour): a new address waits, the owner's known one does not
    for (let n = 0; n < 60; n++) await t.agent().post('/api/auth/login', { email: 'victim@example.org', password: `spread ${n}` }, via(`203.0.113.${n}`));
    assert.equal((await t.agent().post('/api/auth/login', { email: 'victim@example.org', password: 'victim password' }, via('192.0.2.99'))).status, 429);
    assert.equal((await t.agent().post('/api/auth/login', { email: 'victim@example.org', password: 'victim password' }, via('192.0.2.20'))).status, 200, 'an address the owner logged in from before');
  });

  it('throttles registration and password-reset requests per address, before any hashing or mail', async () => {
    const register = (n: number) => t.agent().post('/api/auth/register', { email: `new${n}@example.org`, password: 'password123', displayName: 'N' }, via('198.51.100.4'));
    const statuses = [];
    for (let n = 0; n < 4; n++) statuses.push((await register(n)).status);
    assert.deepEqual(statuses, [202, 202, 202, 429]);
    assert.equal((await t.db.query(`select count(*)::int as n from users where email like 'new%'`)).rows[0].n, 3);
    const forgot = [];
    for (let n = 0; n < 4; n++) forgot.push((await t.agent().post('/api/auth/password/forgot', { email: 'victim@example.org' }, via('198.51.100.5'))).status);
    assert.deepEqual(forgot, [202, 202, 202, 429]);
    const resend = [];
    for (let n = 0; n < 4; n++) resend.push((await t.agent().post('/api/auth/verify/resend', { email: 'new0@example.org' }, via('198.51.100.6'))).status);
    assert.deepEqual(resend, [202, 202, 202, 429]);
  });

  it('sets the session cookie Secure when a trusted proxy says the request came over HTTPS, not otherwise', async () => {
    const plain = await t.agent().post('/api/auth/login', { email: 'burst@example.org', password: 'victim password' }, via('192.0.2.30'));
    assert.equal(plain.status, 200, plain.text);
    assert.doesNotMatch(plain.headers.get('set-cookie') ?? '', /;\s*Secure/i);
    const https = await t.agent().post('/api/auth/login', { email: 'burst@example.org', password: 'victim password' }, { headers: { 'x-forwarded-for': '192.0.2.30', 'x-forwarded-proto': 'https' } });
    assert.match(https.headers.get('set-cookie') ?? '', /;\s*Secure/i);
  });

  it('purges expired sessions, used or expired links and spent counters', async () => {
    const userId = (await t.db.query(`select id from users where email = 'victim@example.org'`)).rows[0].id;
    await t.db.query(`insert into sessions (token_hash, user_id, csrf_token, expires_at) values ('expired', $1, 'c', now() - interval '1 hour')`, [userId]);
    await t.db.query(`insert into account_tokens (token_hash, user_id, purpose, expires_at) values ('old', $1, 'verify', now() - interval '1 hour')`, [userId]);
    await t.db.query(`insert into rate_limits (key, points, expire) values ('spent', 3, $1)`, [Date.now() - 1000]);
    const purged = await runHousekeeping(t.deps);
    assert.ok(purged.sessions >= 1 && purged.accountTokens >= 1 && purged.rateLimits >= 1, JSON.stringify(purged));
    assert.equal((await t.db.query(`select count(*)::int as n from sessions where token_hash = 'expired'`)).rows[0].n, 0);
  });
});

describe('Secure session cookie when PUBLIC_URL is https', () => {
  it('marks the cookie Secure', async () => {
    const t = await createTestApp('secure_cookie', { PUBLIC_URL: 'https://carina.example.org' });
    try {
      const agent = t.agent();
      await agent.post('/api/auth/register', { email: 'https@example.org', password: 'password123', displayName: 'H' });
      const token = tokenIn(await waitForOutboxMail(t.outboxDir, 'https@example.org', '/verify'), '/verify');
      const verified = await agent.post('/api/auth/verify', { token });
      assert.match(verified.headers.get('set-cookie') ?? '', /;\s*Secure/i);
    } finally {
      await t.close();
    }
  });
});
