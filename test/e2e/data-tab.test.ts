/**
 * @slow The "Data" tab in Debian's headless Chromium against the real server: a participant whose team has not
 * accepted the data-use agreement sees why they cannot download, accepts it, downloads a file whose sha256
 * matches; the organiser creates a release, uploads a file into it and reads the access log, which shows the
 * participant's download; a download of a few MB cut at 60 % in page code resumes from its offset with Range and
 * If-Range (a stale If-Range gets the whole file, RFC 9110 13.1.5). Screenshots: test-output/screenshots/data-tab/.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { verificationHash } from '../helpers/mail.ts';
import { sha256Of } from '../helpers/release-fixtures.ts';
import { createPhaseWithCases, type PhaseFixture } from '../helpers/submission-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { launchBrowser, type Browser } from './browser.ts';

const PASSWORD = 'correct horse 12';

describe('browser client: the Data tab @slow', function () {
  this.timeout(120_000);
  this.bail(true);
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let fx: PhaseFixture;
  let dir: string;
  let releaseId: number;
  const ct = randomBytes(300_000);
  const participant = `lin-${process.pid}@example.org`;

  before(async () => {
    t = await createTestApp('e2e-data-tab');
    fx = await createPhaseWithCases(t, { caseNames: ['A'] });
    await t.db.query(`update challenges set data_agreement = 'Use these CTs for this challenge only; do not share them.' where id = $1`, [fx.challengeId]);
    dir = mkdtempSync(join(tmpdir(), 'carina-e2e-data-'));
    const created = await fx.organiser.post(`/api/challenges/${fx.slug}/releases`, { kind: 'training', name: 'Training set', description: 'Phantom CTs', opensAt: new Date(Date.now() - 60_000).toISOString() });
    releaseId = created.body.release.id;
    writeFileSync(join(dir, 'case_001.nii.gz'), ct);
    const up = await fx.organiser.upload(`/api/releases/${releaseId}/files`, [join(dir, 'case_001.nii.gz')]);
    assert.equal(up.status, 201, up.text);
    browser = await launchBrowser('data-tab');
    page = browser.page;
  });
  after(async function () {
    await browser?.close();
    await t?.close(this.currentTest?.state === 'failed');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a member who has not accepted the agreement sees why, accepts, and downloads a file whose sha256 matches', async () => {
    await page.goto(`${t.baseUrl}/#/register`);
    await page.getByLabel('Display name').fill('Lin');
    await page.getByLabel('E-mail').fill(participant);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('check-email').waitFor();
    // the verification link of the mail the platform wrote to its outbox, opened in the browser
    await page.goto(`${t.baseUrl}/${await verificationHash(t.outboxDir, participant)}`);
    await page.getByTestId('verified').waitFor();
    await page.getByTestId('signed-in-as').waitFor();
    await page.goto(`${t.baseUrl}/#/challenges/${fx.slug}`);
    await page.getByLabel('Team name').fill('Alveoli');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByTestId('team-name').waitFor();

    await page.getByTestId('tab-data').click();
    const reason = page.getByTestId('access-reason');
    await reason.waitFor();
    assert.match((await reason.textContent()) ?? '', /accept the data-use agreement/);
    assert.equal(await page.getByTestId('file-link').count(), 0, 'no download link before the agreement');
    assert.match((await page.getByTestId('agreement').textContent()) ?? '', /do not share them/);
    assert.match((await page.getByTestId('release-files').textContent()) ?? '', new RegExp(sha256Of(ct)));
    await browser.screenshot('01-agreement-missing');

    await page.getByTestId('accept-agreement').click();
    await page.getByTestId('file-link').waitFor();
    assert.equal(await page.getByTestId('access-reason').count(), 0);
    await browser.screenshot('02-download-links');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('file-link').click()]);
    assert.equal(download.suggestedFilename(), 'case_001.nii.gz');
    const path = await download.path();
    assert.equal(sha256Of(readFileSync(path)), sha256Of(ct));
    assert.deepEqual(browser.errors.filter((e) => !/401 \(Unauthorized\)/.test(e)), []);
  });

  it('a download cut at 60 % resumes from its offset in the browser (Range + If-Range), and a stale If-Range gets the whole file', async () => {
    // Playwright cannot drive the download manager's resume, so the page does what a resuming browser does: fetch
    // with the session cookie, stop after 60 %, ask again from there with the first reply's ETag
    const big = randomBytes(4 * 1024 * 1024 + 123);
    writeFileSync(join(dir, 'case_002.nii.gz'), big);
    const up = await fx.organiser.upload(`/api/releases/${releaseId}/files`, [join(dir, 'case_002.nii.gz')]);
    assert.equal(up.status, 201, up.text);
    const fileId = (await t.db.query('select id from release_files where release_id = $1 and name = $2', [releaseId, 'case_002.nii.gz'])).rows[0].id as number;
    const url = `/api/releases/${releaseId}/files/${fileId}`;
    const logged = async () => (await t.db.query('select bytes_sent, range from release_access_log where file_id = $1 order by id', [fileId])).rows as { bytes_sent: number; range: string | null }[];

    const first = await page.evaluate(async (url) => {
      // not through Chromium's HTTP cache: every byte from the server (RequestInit is typed as Node's, without `cache`)
      const noStore = { cache: 'no-store' } as RequestInit;
      const res = await fetch(url, noStore);
      const total = Number(res.headers.get('content-length'));
      const reader = res.body!.getReader();
      const chunks: Uint8Array[] = [];
      let got = 0;
      while (got < total * 0.6) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        got += value.length;
      }
      await reader.cancel(); // the connection is dropped here, mid-transfer
      const head = new Uint8Array(got);
      let at = 0;
      for (const c of chunks) head.set(c, (at += c.length) - c.length);
      (globalThis as unknown as { resumeHead: Uint8Array }).resumeHead = head;
      return { status: res.status, etag: res.headers.get('etag'), acceptRanges: res.headers.get('accept-ranges'), total, got };
    }, url);
    assert.equal(first.status, 200);
    assert.equal(first.acceptRanges, 'bytes');
    assert.equal(first.etag, `"${sha256Of(big)}"`);
    assert.equal(first.total, big.length);
    assert.ok(first.got >= big.length * 0.6 && first.got < big.length, `stopped at ${first.got} of ${big.length}`);
    // the cut transfer is logged when the server sees the connection go: wait for it (it also frees the team's slot)
    for (let i = 0; (await logged()).length < 1; i++) {
      assert.ok(i < 100, 'the cut transfer was never logged');
      await new Promise((r) => setTimeout(r, 100));
    }

    const resumed = await page.evaluate(async ({ url, etag }) => {
      const head = (globalThis as unknown as { resumeHead: Uint8Array }).resumeHead;
      const range = `bytes=${head.length}-`;
      const resume = { cache: 'no-store', headers: { Range: range, 'If-Range': etag } };
      const res = await fetch(url, resume);
      const tail = new Uint8Array(await res.arrayBuffer());
      const whole = new Uint8Array(head.length + tail.length);
      whole.set(head);
      whole.set(tail, head.length);
      const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
      const sha256 = hex(await crypto.subtle.digest('SHA-256', whole));
      const staleResume = { cache: 'no-store', headers: { Range: range, 'If-Range': '"0000stale"' } };
      const stale = await fetch(url, staleResume);
      const staleBytes = new Uint8Array(await stale.arrayBuffer());
      return {
        status: res.status,
        contentRange: res.headers.get('content-range'),
        tailLength: tail.length,
        sha256,
        staleStatus: stale.status,
        staleContentRange: stale.headers.get('content-range'),
        staleSha256: hex(await crypto.subtle.digest('SHA-256', staleBytes)),
      };
    }, { url, etag: first.etag! });
    assert.equal(resumed.status, 206);
    assert.equal(resumed.contentRange, `bytes ${first.got}-${big.length - 1}/${big.length}`);
    assert.equal(resumed.tailLength, big.length - first.got);
    assert.equal(resumed.sha256, sha256Of(big));
    assert.equal(resumed.staleStatus, 200, 'a stale If-Range gets the whole file');
    assert.equal(resumed.staleContentRange, null);
    assert.equal(resumed.staleSha256, sha256Of(big));

    // each transfer is logged once the server has ended it, which may come after the browser has read its last byte
    let rows = await logged();
    for (let i = 0; rows.length < 3 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await logged();
    }
    assert.equal(rows.length, 3, JSON.stringify(rows));
    assert.equal(rows[0].range, null);
    assert.ok(rows[0].bytes_sent >= first.got && rows[0].bytes_sent <= big.length, `cut transfer logged ${rows[0].bytes_sent} bytes`);
    assert.deepEqual(rows[1], { bytes_sent: big.length - first.got, range: `bytes=${first.got}-` }, 'the resume asked from the 60 % offset');
    assert.deepEqual(rows[2], { bytes_sent: big.length, range: `bytes=${first.got}-` }, 'the stale If-Range was served whole');
    assert.deepEqual(browser.errors.filter((e) => !/401 \(Unauthorized\)/.test(e)), []);
  });

  it('the organiser creates a release, uploads a file and reads the access log', async () => {
    await page.getByTestId('logout').click();
    await page.getByRole('link', { name: 'Register' }).waitFor();
    const organiser = `org-${process.pid}@example.org`;
    await page.goto(`${t.baseUrl}/#/register`);
    await page.getByLabel('Display name').fill('Org');
    await page.getByLabel('E-mail').fill(organiser);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('check-email').waitFor();
    // the verification link of the mail the platform wrote to its outbox, opened in the browser
    await page.goto(`${t.baseUrl}/${await verificationHash(t.outboxDir, organiser)}`);
    await page.getByTestId('verified').waitFor();
    await page.getByTestId('signed-in-as').waitFor();
    const userId = (await t.db.query('select id from users where email = $1', [organiser])).rows[0].id;
    await t.db.query('insert into challenge_organisers (challenge_id, user_id) values ($1, $2)', [fx.challengeId, userId]);
    await page.goto(`${t.baseUrl}/#/challenges/${fx.slug}/data`);
    await page.getByRole('button', { name: 'Create release' }).waitFor();
    const form = page.getByTestId('new-release');
    await form.getByLabel('Kind').selectOption('documents');
    await form.getByLabel('Name', { exact: true }).fill('Label protocol');
    await page.getByRole('button', { name: 'Create release' }).click();
    const card = page.locator('section', { hasText: 'Label protocol' });
    await card.waitFor();
    await card.locator('summary').click();
    writeFileSync(join(dir, 'protocol.pdf'), '%PDF-1.4 label protocol');
    await card.getByTestId('release-upload').setInputFiles(join(dir, 'protocol.pdf'));
    await card.getByRole('button', { name: 'Upload', exact: true }).click();
    await card.getByText('protocol.pdf').first().waitFor();

    const training = page.locator('section', { hasText: 'Training set' });
    await training.locator('summary').click();
    await training.getByRole('button', { name: 'Access log' }).click();
    const log = training.getByTestId('release-log');
    await log.waitFor();
    const text = (await log.textContent()) ?? '';
    assert.match(text, new RegExp(participant));
    assert.match(text, /Alveoli/);
    assert.match(text, /file case_001\.nii\.gz/);
    await browser.screenshot('03-organiser-log');
  });
});
