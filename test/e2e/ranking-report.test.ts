/**
 * @slow The ranking analysis end to end in Debian's headless Chromium, on the demo challenge (seed/demo) scored by
 * a real worker: the public leaderboard of the validation phase shows a rank interval per team (computed by the
 * `rank-uncertainty` job), the organiser's analysis page draws every figure (Observable Plot in the browser), the
 * challenge report downloads from it, and the report, opened from disk with every network request refused,
 * renders the same figures. Screenshots: test-output/screenshots/ranking-report/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { evaluationProgress } from '../../server/platform-api.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { DEMO_SLUG, DEMO_TEAMS } from '../../seed/demo/demo-content.ts';
import { seedDemo } from '../../seed/demo-seed.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { launchBrowser, type Browser } from './browser.ts';

const ORGANISER = 'organiser@example.org';
const PASSWORD = 'correct horse 12';

describe('browser: rank intervals, analysis page and challenge report on the demo @slow', function () {
  this.timeout(300_000);
  this.bail(true);
  let t: TestApp;
  let browser: Browser;
  let validation: number;
  let blocked: string[] = [];
  let reportPath = '';
  const dir = mkdtempSync(join(tmpdir(), 'carina-report-'));

  before(async () => {
    t = await createTestApp('e2e-ranking', { CARINA_ORGANISER: `${ORGANISER}:${PASSWORD}` });
    const reply = await t.agent().register(ORGANISER, PASSWORD);
    assert.equal(reply.status, 200, reply.text); // registered, and verified through the outbox's link
    await t.db.query('update users set is_admin = true where email = $1', [ORGANISER]);
    await seedDemo(t.deps, { onProgress: () => undefined, announce: () => undefined });
    await startWorker(t.deps);
    const challengeId = (await t.db.query('select id from challenges where slug = $1', [DEMO_SLUG])).rows[0].id;
    const deadline = Date.now() + 200_000;
    let state = await evaluationProgress(t.db, challengeId);
    while (state.goldPending + state.evaluationsPending > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      state = await evaluationProgress(t.db, challengeId);
    }
    assert.equal(state.evaluationsPending, 0, 'the demo is scored');
    validation = (await t.db.query(`select id from phases where challenge_id = $1 and name = 'Validation'`, [challengeId])).rows[0].id;
    // the last finished submission sent the rank-uncertainty job: wait for its cache
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const board = await t.agent().get(`/api/phases/${validation}/leaderboard`);
      if (board.body.uncertainty?.status === 'ready') break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    browser = await launchBrowser('ranking-report');
    blocked = await browser.blockOtherOrigins(new URL(t.baseUrl).origin);
  });
  after(async function () {
    await browser?.close();
    await t.close(this.currentTest?.state === 'failed');
    rmSync(dir, { recursive: true, force: true });
  });

  it("the demo's validation leaderboard shows each team's rank interval", async () => {
    const { page } = browser;
    await page.goto(`${t.baseUrl}/#/phases/${validation}/leaderboard`);
    await page.locator('[data-testid="leaderboard"] tbody tr').first().waitFor();
    const intervals = page.locator('[data-testid="rank-interval"]');
    assert.equal(await intervals.count(), DEMO_TEAMS.length);
    assert.match((await intervals.first().textContent()) ?? '', /^\s*\d+(\.\d)?(–\d+(\.\d)?)? · \d+ %$/);
    assert.match((await page.locator('[data-testid="uncertainty-status"]').textContent()) ?? '', /1000 bootstrap samples of the 5 cases/);
    await browser.screenshot('leaderboard-intervals');
  });

  it("the organiser's analysis page draws every figure with Plot", async () => {
    const { page, context } = browser;
    const login = await context.request.post(`${t.baseUrl}/api/auth/login`, { data: { email: ORGANISER, password: PASSWORD } });
    assert.equal(login.status(), 200, await login.text());
    await page.goto(`${t.baseUrl}/#/phases/${validation}/analysis`);
    const figures = page.locator('[data-testid="analysis-figures"] figure');
    await figures.first().waitFor({ timeout: 30_000 });
    // blob plot, significance per metric (4), per-metric rankings, schemes, Kendall's τ, spread and difficulty per metric (8)
    assert.equal(await figures.count(), 16);
    assert.equal(await page.locator('[data-testid="analysis-figures"] figure svg').count(), 16);
    const blob = page.locator('figure[data-figure="blob"] svg');
    const box = await blob.boundingBox();
    assert.ok(box && box.width > 300 && box.height > 100, JSON.stringify(box));
    assert.equal(await page.locator('figure[data-figure="blob"] svg circle').count() > DEMO_TEAMS.length, true);
    assert.equal(await page.locator('[data-testid="analysis-entries"] tbody tr').count(), DEMO_TEAMS.length);
    await browser.screenshot('analysis-page');
  });

  it('the report downloads from the page', async () => {
    const { page } = browser;
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="report-html"]').click()]);
    assert.match(download.suggestedFilename(), /^phase-\d+-report\.html$/);
    reportPath = join(dir, download.suggestedFilename());
    await download.saveAs(reportPath);
    const html = readFileSync(reportPath, 'utf8');
    assert.equal((html.match(/<svg/g) ?? []).length, 16);
    assert.match(html, /Lumen Lab/);
    assert.match(html, /Evaluator and gold standards/);
    assert.deepEqual(blocked, [], 'the app itself asked no other origin');
  });

  it('the report renders its figures in Chromium with no network at all', async () => {
    const { context } = browser;
    const page = await context.newPage();
    const requests: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort('blockedbyclient');
    });
    await page.goto(pathToFileURL(reportPath).href);
    const svgs = page.locator('figure svg');
    assert.equal(await svgs.count(), 16);
    for (let i = 0; i < 16; i++) {
      const box = await svgs.nth(i).boundingBox();
      assert.ok(box && box.width > 100 && box.height > 50, `figure ${i}: ${JSON.stringify(box)}`);
    }
    assert.ok((await page.locator('figure[data-figure="significance-TD"] svg rect').count()) >= DEMO_TEAMS.length * (DEMO_TEAMS.length - 1));
    assert.deepEqual(requests, [], 'the report asks for nothing');
    await page.screenshot({ path: join(new URL('../../test-output/screenshots/ranking-report/', import.meta.url).pathname, 'report-offline.png'), fullPage: true });
    await page.close();
  });
});
