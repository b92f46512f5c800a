import assert from 'node:assert/strict';
import { tokenIn, waitForOutboxMail } from '../helpers/mail.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('accounts, sessions and API tokens', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('auth');
  });
  after(async function () {
    await t.close(this.currentTest?.state === 'failed');
  });

  it('registers, verifies through the mailed link, sets an HttpOnly SameSite session cookie and answers /api/auth/me', async () => {
    const agent = t.agent();
    const registered = await agent.post('/api/auth/register', { email: 'Ada@Example.org', password: 'correct horse', displayName: 'Ada' });
    assert.equal(registered.status, 202);
    assert.equal(registered.headers.get('set-cookie'), null, 'no session before the address is verified');
    const token = tokenIn(await waitForOutboxMail(t.outboxDir, 'ada@example.org', '/verify'), '/verify');
    const res = await agent.post('/api/auth/verify', { token });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('set-cookie') ?? '', /carina_session=.*HttpOnly.*SameSite=Lax/i);
    const me = await agent.get('/api/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.email, 'ada@example.org');
    assert.equal(typeof me.body.csrfToken, 'string');
  });

  it('stores argon2id hashes, never the password', async () => {
    const row = (await t.db.query('select password_hash from users where email = $1', ['ada@example.org'])).rows[0];
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.ok(!row.password_hash.includes('correct horse'));
  });

  it('answers a taken e-mail exactly like a new one (the owner is mailed instead) and a bad body with 400 { error: { code, message } }', async () => {
    const dup = await t.agent().post('/api/auth/register', { email: 'ada@example.org', password: 'another one', displayName: 'A' });
    const fresh = await t.agent().post('/api/auth/register', { email: 'fresh@example.org', password: 'another one', displayName: 'A' });
    assert.equal(dup.status, 202);
    assert.deepEqual(dup.body, fresh.body);
    assert.equal(dup.headers.get('set-cookie'), null);
    const bad = await t.agent().post('/api/auth/register', { email: 'nope', password: 'short', displayName: '' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'BAD_REQUEST');
    assert.match(bad.body.error.message, /email/);
    assert.match(bad.body.error.message, /password/);
  });

  it('refuses state changes from a cookie session without the CSRF token', async () => {
    const agent = t.agent();
    await agent.post('/api/auth/login', { email: 'ada@example.org', password: 'correct horse' });
    const withoutToken = await agent.post('/api/tokens', { name: 'x' }, { csrf: false });
    assert.equal(withoutToken.status, 403);
    assert.equal(withoutToken.body.error.code, 'CSRF_FAILED');
    const withToken = await agent.post('/api/tokens', { name: 'x' });
    assert.equal(withToken.status, 201);
  });

  it('issues API tokens shown once, usable as Bearer, revocable', async () => {
    const agent = t.agent();
    await agent.post('/api/auth/login', { email: 'ada@example.org', password: 'correct horse' });
    const created = await agent.post('/api/tokens', { name: 'script' });
    const token = created.body.token as string;
    assert.match(token, /^carina_/);
    const stored = (await t.db.query('select token_hash from api_tokens where id = $1', [created.body.id])).rows[0];
    assert.notEqual(stored.token_hash, token);
    const listed = await agent.get('/api/tokens');
    assert.ok(listed.body.tokens.every((x: Record<string, unknown>) => !('token' in x)));
    const bearer = t.agent({ token });
    assert.equal((await bearer.get('/api/auth/me')).body.user.email, 'ada@example.org');
    assert.equal((await agent.delete(`/api/tokens/${created.body.id}`)).status, 204);
    const revoked = await bearer.get('/api/auth/me');
    assert.equal(revoked.status, 401);
    assert.equal(revoked.body.error.code, 'UNAUTHENTICATED');
  });

  it('makes API tokens only from a session: a token cannot mint tokens; tokens carry an expiry', async () => {
    const agent = t.agent();
    await agent.login('ada@example.org', 'correct horse');
    const created = await agent.post('/api/tokens', { name: 'parent' });
    assert.equal(created.status, 201);
    const days = (Date.parse(created.body.expiresAt) - Date.now()) / 86400_000;
    assert.ok(days > 89 && days <= 90, `default lifetime 90 days, got ${days}`);
    const minted = await t.agent({ token: created.body.token }).post('/api/tokens', { name: 'child' });
    assert.equal(minted.status, 403);
    assert.equal(minted.body.error.code, 'FORBIDDEN');
    await t.db.query(`update api_tokens set expires_at = now() - interval '1 second' where id = $1`, [created.body.id]);
    const expired = await t.agent({ token: created.body.token }).get('/api/auth/me');
    assert.equal(expired.status, 401);
  });

  it('rate-limits failed log-ins', async () => {
    const agent = t.agent();
    let last = 0;
    for (let n = 0; n < 12; n++) last = (await agent.post('/api/auth/login', { email: 'ada@example.org', password: 'wrong password' })).status;
    assert.equal(last, 429);
  });

  it('logs out: the session cookie no longer authenticates', async () => {
    const agent = t.agent();
    await agent.register('bob@example.org', 'bob password', 'Bob');
    assert.equal((await agent.post('/api/auth/logout', {})).status, 204);
    assert.equal((await agent.get('/api/auth/me')).status, 401);
  });
});
