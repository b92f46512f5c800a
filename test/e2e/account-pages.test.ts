/**
 * The account pages mailed links lead to, in the real browser (Debian's Chromium through playwright-core): the
 * "check your e-mail" page with its resend button, forgot and reset password through the link of the .eml the
 * platform wrote to its outbox, and accepting a co-organiser invitation.
 */
import assert from 'node:assert/strict';
import { linkIn, waitForOutboxMail } from '../helpers/mail.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { launchBrowser, type Browser } from './browser.ts';

describe('browser client: account pages @slow', function () {
  this.timeout(120_000);
  this.bail(true);
  let t: TestApp;
  let browser: Browser;
  const email = `pages-${process.pid}@example.org`;

  before(async () => {
    t = await createTestApp('e2e-account-pages');
    browser = await launchBrowser('account-pages');
    await browser.blockOtherOrigins(t.baseUrl);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !browser) return;
    await browser.screenshot('failed').catch(() => undefined);
    console.error(`page ${browser.page.url()}\nbrowser errors:\n${browser.errors.join('\n')}`);
  });

  after(async function () {
    await browser?.close();
    await t?.close(this.currentTest?.state === 'failed');
  });

  it('registers to a "check your e-mail" page that resends the link', async () => {
    const page = browser.page;
    await page.goto(`${t.baseUrl}/#/register`);
    await page.getByLabel('Display name').fill('Pat');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('first password 1');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('check-email').waitFor();
    // the sender writes each mail after the answer (mail outbox): the second is a file not seen before, whenever it comes
    const seen = new Set<string>();
    const first = linkIn(await waitForOutboxMail(t.outboxDir, email, '/verify', seen), '/verify')!;
    await page.getByTestId('resend').click();
    await page.getByTestId('resend-status').getByText('a message is on its way').waitFor();
    const second = linkIn(await waitForOutboxMail(t.outboxDir, email, '/verify', seen), '/verify')!;
    assert.notEqual(second.hash, first.hash, 'a new link');
    await page.goto(`${t.baseUrl}/${first.hash}`);
    await page.getByText('This link does not work').waitFor(); // the resend replaced it
    await page.goto(`${t.baseUrl}/${second.hash}`);
    await page.getByTestId('verified').waitFor();
    await page.getByTestId('signed-in-as').waitFor();
  });

  it('resets a forgotten password through the mailed link', async () => {
    const page = browser.page;
    await page.getByTestId('logout').click();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    await page.goto(`${t.baseUrl}/#/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('button', { name: 'Send a reset link' }).waitFor();
    await page.getByLabel('E-mail').fill(email);
    await page.getByRole('button', { name: 'Send a reset link' }).click();
    await page.getByTestId('forgot-sent').waitFor();
    const link = linkIn(await waitForOutboxMail(t.outboxDir, email, '/reset-password'), '/reset-password')!;
    await page.goto(`${t.baseUrl}/${link.hash}`);
    await page.getByRole('button', { name: 'Set the new password' }).waitFor();
    await page.getByLabel('New password').fill('second password 2');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByTestId('signed-in-as').waitFor();
    assert.equal((await t.agent().post('/api/auth/login', { email, password: 'second password 2' })).status, 200);
  });

  it('lists a co-organiser invitation and accepts it', async () => {
    const admin = t.agent();
    await admin.register(`admin-${process.pid}@example.org`);
    await t.db.query('update users set is_admin = true where email = $1', [`admin-${process.pid}@example.org`]);
    assert.equal((await admin.post('/api/challenges', { slug: 'invited', title: 'Invited challenge', participationPolicy: 'auto' })).status, 201);
    assert.equal((await admin.post('/api/challenges/invited/organisers', { email })).status, 202);
    const page = browser.page;
    await page.goto(`${t.baseUrl}/#/invitations`);
    await page.getByTestId('invitations').getByText('Invited challenge').waitFor();
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL(/#\/challenges\/invited$/);
    assert.deepEqual(realErrors(browser.errors), []);
  });
});

/** Console errors other than the expected refusals (401 before signing in, 400 for the replaced link). */
function realErrors(errors: string[]): string[] {
  return errors.filter((e) => !/status of (400 \(Bad Request\)|401 \(Unauthorized\))$/.test(e));
}
