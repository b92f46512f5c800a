/**
 * @slow The browser client end to end, in Debian's headless Chromium against the real server, PostgreSQL, queue
 * and in-process worker, on the real ATM'22 masks of case ATM_305: register → create a team → a wrong file caught
 * in the browser before any upload → upload with progress → live status until done → leaderboard with the
 * official values → the 3D viewer (detected and missed colours on the canvas, a click shows the branch, slices
 * follow) → organiser review, hide with a reason, cases, exports and compare mode → log out, log in by keyboard.
 * Screenshots of each page: test-output/screenshots/participant-flow/.
 *
 * The phase and its case are set up by SQL (test/helpers/platform-rows.ts), and a rival team's YangLab
 * submission too, so the leaderboard has two rows and compare mode two evaluations.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { writeVolume } from '../../evaluator/index.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { createCase, createPhase, createSubmission, createTeam, waitFor } from '../helpers/platform-rows.ts';
import { expectedPairs, referencePath } from '../helpers/reference-cases.ts';
import { verificationHash } from '../helpers/mail.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { launchBrowser, type Browser } from './browser.ts';
import { dropFiles } from './drop-files.ts';
import type { PageCanvas, PageGlobals } from './page-globals.ts';
import { classifyColours, pickAt } from './pixels.ts';

const CASE = 'ATM_305';
const OURS = expectedPairs().find((p) => p.pred === 'ATM_305/pred_neu204.nii.gz')!; // 60 missed branches: plenty of red
const RIVAL = expectedPairs().find((p) => p.pred === 'ATM_305/pred_YangLab.nii.gz')!;
const COLOURS = { detected: '#2e9e5b', missed: '#d1495b' };
const PASSWORD = 'correct horse 12';
const REAL_CT = referencePath('../../real/popi_00/popi_00_ct.nii.gz');
const REAL_AIRWAY = referencePath('../../real/popi_00/popi_00_airway_auto_coarse.nii.gz');

/**
 * Console errors that are not faults: the signed-out probe of /api/auth/me answers 401 by design, and the
 * truncated upload is refused with 422 on purpose. Anything else (a 500, an exception) fails the test.
 */
const realErrors = (errors: string[]) => errors.filter((e) => !/status of (401 \(Unauthorized\)|422 \(Unprocessable Entity\))$/.test(e));

async function numberIn(page: Page, selector: string): Promise<number> {
  return Number((await page.locator(selector).first().textContent())?.trim());
}

describe('browser client: participant and organiser flows @slow', function () {
  this.timeout(180_000);
  this.bail(true); // one flow: a later step means nothing once an earlier one failed
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let slug: string;
  let phaseId: number;
  let rivalSubmissionId: number;
  let ourSubmissionId: number;
  let ourEvaluationId: number;
  let externalRequests: string[] = [];
  const participant = `ada-${process.pid}@example.org`;
  const organiser = `grace-${process.pid}@example.org`;

  before(async () => {
    t = await createTestApp('e2e-client');
    await startWorker(t.deps);
    const phase = await createPhase(t.deps, { teamsInspectIn3d: true }); // a validation phase: teams may inspect in 3D
    phaseId = phase.phaseId;
    slug = (await t.db.query('select slug from challenges where id = $1', [phase.challengeId])).rows[0].slug;
    const { caseId } = await createCase(t.deps, phaseId, CASE, referencePath(OURS.gold));
    const rival = await createTeam(t.deps, phase.challengeId, 'Rival lab');
    rivalSubmissionId = (await createSubmission(t.deps, phaseId, rival, [{ caseId, path: referencePath(RIVAL.pred) }])).submissionId;
    dir = mkdtempSync(join(tmpdir(), 'carina-e2e-'));
    mkdirSync(join(dir, 'right'));
    mkdirSync(join(dir, 'wrong'));
    mkdirSync(join(dir, 'truncated'));
    copyFileSync(referencePath(OURS.pred), join(dir, 'right', `${CASE}.nii.gz`));
    const whole = readFileSync(referencePath(OURS.pred));
    writeFileSync(join(dir, 'truncated', `${CASE}.nii.gz`), whole.subarray(0, whole.length >> 1)); // header intact, voxels cut
    await writeVolume(join(dir, 'wrong', `${CASE}.nii.gz`), {
      size: [16, 16, 12],
      spacing: [1, 1, 1],
      origin: [0, 0, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      componentType: 'uint8',
      data: new Uint8Array(16 * 16 * 12),
    });
    browser = await launchBrowser('participant-flow');
    page = browser.page;
    externalRequests = await browser.blockOtherOrigins(t.baseUrl);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !browser) return;
    await browser.screenshot(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    console.error(`page ${page.url()}\nbrowser errors:\n${browser.errors.join('\n')}`);
  });

  after(async function () {
    await browser?.close();
    await t?.close(this.currentTest?.state === 'failed');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers, creates a team and shows the phase with its window in UTC, limits and case count', async () => {
    await page.goto(`${t.baseUrl}/#/register`);
    await page.getByLabel('Display name').fill('Ada');
    await page.getByLabel('E-mail').fill(participant);
    await page.getByLabel('Password').fill(PASSWORD);
    await browser.screenshot('01-register');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('check-email').waitFor();
    // the link of the mail the platform wrote to its outbox, opened in the browser
    await page.goto(`${t.baseUrl}/${await verificationHash(t.outboxDir, participant)}`);
    await page.getByTestId('verified').waitFor();
    await page.getByTestId('signed-in-as').waitFor();
    assert.equal(await page.getByTestId('signed-in-as').textContent(), 'Signed in as Ada');

    await page.goto(`${t.baseUrl}/#/challenges/${slug}`);
    const phaseRow = page.getByTestId('phases').locator('tbody tr').first();
    await phaseRow.waitFor();
    const rowText = (await phaseRow.textContent()) ?? '';
    assert.match(rowText, /open/);
    assert.match(rowText, /\d{4}-\d\d-\d\d \d\d:\d\d UTC → \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    assert.match(rowText, /5 per team per 24 h, no total limit/);
    assert.equal((await phaseRow.locator('td.num').textContent())?.trim(), '1');
    assert.match(rowText, /score = 0\.25 × TD \+ 0\.25 × BD \+ 0\.25 × DSC \+ 0\.25 × Precision/);

    await page.getByLabel('Team name').fill('Bronchi');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByTestId('team-name').waitFor();
    assert.equal(await page.getByTestId('team-name').textContent(), 'Bronchi');
    assert.match((await page.getByTestId('invite-code').textContent()) ?? '', /\S{6,}/);
    await browser.screenshot('02-challenge-with-team');
    const team = (await t.db.query("select t.status from teams t where t.name = 'Bronchi'")).rows[0];
    assert.equal(team.status, 'accepted');
  });

  it('flags a wrong-size file dropped on the page, in the browser, before any upload request is sent', async () => {
    await page.getByRole('link', { name: 'Submit' }).click();
    const input = page.getByTestId('file-input');
    await input.waitFor({ state: 'attached' });
    const uploads: Request[] = [];
    const onRequest = (request: Request) => {
      if (request.method() === 'POST' && request.url().includes('/submissions')) uploads.push(request);
    };
    page.on('request', onRequest);
    await dropFiles(page, '[data-testid="dropzone"]', [join(dir, 'wrong', `${CASE}.nii.gz`)]);
    const problems = page.getByTestId('precheck-problems');
    await problems.waitFor({ timeout: 30_000 });
    const row = page.locator(`[data-testid="precheck"] tr[data-case="${CASE}"]`);
    assert.equal(
      (await row.locator('td').nth(2).textContent())?.trim(),
      `case ${CASE}: size 16x16x12 does not match the CT's 512x512x388`,
    );
    assert.equal(await page.getByTestId('upload').isDisabled(), true);
    await browser.screenshot('03-precheck-wrong-size');
    page.off('request', onRequest);
    assert.deepEqual(uploads.map((r) => r.url()), [], 'no upload may start while the check finds problems');
    const submissions = await t.db.query('select count(*)::int as n from submissions where phase_id = $1', [phaseId]);
    assert.equal(submissions.rows[0].n, 1, 'only the rival submission exists');
  });

  it("shows the server's validation errors per case for a file the browser cannot fully check (truncated data)", async () => {
    await page.getByTestId('file-input').setInputFiles(join(dir, 'truncated', `${CASE}.nii.gz`));
    await page.getByTestId('precheck-ok').waitFor({ timeout: 30_000 }); // its header is fine
    await page.getByTestId('upload').click();
    const errors = page.getByTestId('server-errors');
    await errors.waitFor({ timeout: 30_000 });
    const text = (await errors.textContent()) ?? '';
    assert.match(text, /A problem \(VALIDATION_FAILED\):/);
    assert.match(text, new RegExp(`case ${CASE}: file "${CASE}\\.nii\\.gz" could not be read`));
    await browser.screenshot('03b-server-validation-errors');
    const submissions = await t.db.query('select count(*)::int as n from submissions where phase_id = $1', [phaseId]);
    assert.equal(submissions.rows[0].n, 1, 'a refused upload leaves no submission');
  });

  it('uploads the predictions with a progress bar, then shows each case live until done, without reload', async () => {
    await page.getByTestId('file-input').setInputFiles(join(dir, 'right', `${CASE}.nii.gz`));
    await page.getByTestId('precheck-ok').waitFor({ timeout: 30_000 });
    assert.match((await page.locator(`[data-testid="precheck"] tr[data-case="${CASE}"]`).textContent()) ?? '', /✓ matches the CT \(512x512x388\)/);
    await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      const bar = w.document.querySelector('progress');
      const seen: number[] = (w.seenProgress = []);
      w.sameDocument = true;
      new w.MutationObserver(() => seen.push(bar.value)).observe(bar, { attributes: true });
    });
    const upload = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/phases/${phaseId}/submissions`));
    await page.getByTestId('upload').click();
    assert.equal((await upload).resourceType(), 'xhr', 'uploaded by XMLHttpRequest (for its progress events)');
    await page.waitForURL(/#\/submissions\/\d+$/);
    ourSubmissionId = Number(/submissions\/(\d+)$/.exec(page.url())![1]);
    const seen: Set<string> = new Set();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const status = await page.locator(`[data-testid="case-status"] tr[data-case="${CASE}"]`).getAttribute('data-status').catch(() => null);
      if (status) seen.add(status);
      if (status === 'done' || status === 'failed' || Date.now() > deadline) break;
      await page.waitForTimeout(200);
    }
    assert.ok(seen.has('done'), `the case reached done (seen: ${[...seen].join(', ')})`);
    const state = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return { seenProgress: w.seenProgress ?? [], sameDocument: w.sameDocument };
    });
    assert.equal(state.sameDocument, true, 'the status page updated without a reload');
    assert.ok(state.seenProgress.includes(100), `the progress bar reached 100 % (${state.seenProgress.join(', ')})`);
    await page.locator('[data-testid="submission-status"] .badge.done').waitFor();
    assert.equal(await numberIn(page, `tr[data-case="${CASE}"] td[data-metric="TD"]`), OURS.TD);
    assert.equal(await numberIn(page, `tr[data-case="${CASE}"] td[data-metric="BD"]`), OURS.BD);
    await page.getByTestId('case-metrics-plot').locator('rect').first().waitFor();
    // the finished case links to its 3D inspection (the phase lets teams inspect)
    const viewHref = await page.locator(`tr[data-case="${CASE}"] a[href^="#/evaluations/"]`).getAttribute('href');
    await browser.screenshot('04-submission-done');
    await page.getByRole('link', { name: 'all my submissions' }).click();
    await page.getByTestId('my-submissions').waitFor();
    assert.equal(await page.getByTestId('score-history').locator('circle').count(), 1, 'one finished submission in the score history');
    await browser.screenshot('04b-my-submissions');
    ourEvaluationId = (await t.db.query('select id from evaluations where submission_id = $1 and run_id is null', [ourSubmissionId])).rows[0].id;
    assert.equal(viewHref, `#/evaluations/${ourEvaluationId}`, 'the View link opens this case\'s evaluation');
    await waitFor('rival scored', async () => (await t.db.query("select 1 from submissions where id = $1 and status = 'done'", [rivalSubmissionId])).rowCount, 60_000);
  });

  it("shows the leaderboard with the official metrics, the ranking explained, sortable by any column", async () => {
    await page.goto(`${t.baseUrl}/#/phases/${phaseId}/leaderboard`);
    const table = page.getByTestId('leaderboard');
    await table.locator('tbody tr').nth(1).waitFor();
    assert.match((await page.getByTestId('ranking-explanation').textContent()) ?? '', /0\.25 × TD/);
    const teams = async () => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-team')));
    assert.deepEqual(await teams(), ['Rival lab', 'Bronchi'], 'ranked by the weighted score');
    for (const [team, pair] of [['Bronchi', OURS], ['Rival lab', RIVAL]] as const) {
      for (const metric of ['TD', 'BD', 'DSC', 'Precision'] as const) {
        assert.equal(await numberIn(page, `tr[data-team="${team}"] td[data-col="${metric}"]`), pair[metric], `${team} ${metric}`);
      }
    }
    await table.locator('button[data-sort="Precision"]').click();
    assert.equal(await table.locator('th:has(button[data-sort="Precision"])').getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await teams(), ['Bronchi', 'Rival lab'], 'Bronchi has the higher precision');
    await browser.screenshot('05-leaderboard-sorted-by-precision');
    await page.keyboard.press('Enter'); // focus stayed on the button: sorting again by keyboard flips the order
    assert.equal(await table.locator('th:has(button[data-sort="Precision"])').getAttribute('aria-sort'), 'ascending');
  });

  it('renders the 3D viewer: detected and missed colours on the canvas, a click shows the branch, slices follow', async () => {
    const volumeLevels: string[] = [];
    page.on('request', (r) => {
      const match = /\/viewer\/(ct|gold|prediction)\?level=(\d)/.exec(r.url());
      if (match) volumeLevels.push(`${match[1]}@${match[2]}`);
    });
    await page.goto(`${t.baseUrl}/#/evaluations/${ourEvaluationId}`);
    const area = page.getByTestId('render-area');
    await page.locator('[data-testid="render-area"][data-ready="true"]').waitFor({ timeout: 60_000 });
    const firstFrameMs = Number(await area.getAttribute('data-first-frame-ms'));
    assert.ok(firstFrameMs < 2000, `first 3D frame within 2 s of opening the page (${firstFrameMs} ms)`);
    const legendText = (await page.getByTestId('legend').textContent()) ?? '';
    assert.match(legendText, new RegExp(`Detected branches: ${OURS.branches_detected}`));
    assert.match(legendText, new RegExp(`Missed branches: ${Number(OURS.branches_total) - Number(OURS.branches_detected)}`));
    // SwiftShader may still be drawing the frame the ready flag announced: look again until both colours are there
    let shot = await area.screenshot();
    let colours = await classifyColours(page, shot, COLOURS);
    for (let i = 0; i < 50 && !(colours.detected.count > 2000 && colours.missed.count > 100); i++) {
      await new Promise((r) => setTimeout(r, 100));
      shot = await area.screenshot();
      colours = await classifyColours(page, shot, COLOURS);
    }
    assert.ok(colours.detected.count > 2000, `detected green on the canvas: ${colours.detected.count} pixels`);
    assert.ok(colours.missed.count > 100, `missed red on the canvas: ${colours.missed.count} pixels`);
    await browser.screenshot('06-viewer');

    const box = (await area.boundingBox())!;
    for (const kind of ['detected', 'missed'] as const) {
      const details = await pickAt(page, area, colours[kind].interior!);
      assert.equal((await details.locator('[data-field="result"]').textContent())?.trim(), kind, `clicked a ${kind} pixel`);
      assert.match((await details.locator('[data-field="generation"]').textContent()) ?? '', /^\d+$/);
      assert.match((await details.locator('[data-field="length"]').textContent()) ?? '', /≈ \d+\.\d mm/);
      assert.match((await details.locator('[data-field="fraction"]').textContent()) ?? '', /\d+\.\d % of its centreline/);
      await browser.screenshot(`07-viewer-picked-${kind}`);
    }
    // the slices go through the picked point, which lies on the gold surface: its outline is in the axial slice
    await page.locator('[data-testid="slices"] canvas[data-plane="axial"]').waitFor({ timeout: 30_000 });
    assert.deepEqual(volumeLevels.sort(), ['ct@2', 'gold@2', 'prediction@2'], 'the slices load quarter resolution first');
    await page.mouse.click(box.x + colours.detected.interior!.x, box.y + colours.detected.interior!.y);
    const outline = await page.locator('canvas[data-plane="axial"]').evaluate((canvas: PageCanvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let yellow = 0;
      for (let p = 0; p < data.length; p += 4) if (data[p] === 255 && data[p + 1] === 212 && data[p + 2] === 0) yellow++;
      return yellow;
    });
    assert.ok(outline > 0, 'the gold outline crosses the axial slice through the picked point');
    await page.getByLabel('Colour by').selectOption('generation');
    assert.match((await page.getByTestId('legend').textContent()) ?? '', /generation 0/);
    await browser.screenshot('08-viewer-by-generation');
    await page.getByRole('link', { name: 'Back to the submission' }).click();
    await page.getByTestId('case-status').waitFor();
    assert.equal(await page.locator('canvas').count(), 0, 'leaving the viewer disposes its render window');
    assert.deepEqual(realErrors(browser.errors), []);
  });

  it('lets an organiser review, hide with a reason, watch cases, export, and compare two teams side by side', async () => {
    await page.getByTestId('logout').click();
    await page.getByRole('link', { name: 'Register' }).waitFor();
    await page.goto(`${t.baseUrl}/#/register`);
    await page.getByLabel('Display name').fill('Grace');
    await page.getByLabel('E-mail').fill(organiser);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('check-email').waitFor();
    await page.goto(`${t.baseUrl}/${await verificationHash(t.outboxDir, organiser)}`);
    await page.getByTestId('signed-in-as').waitFor();
    await t.db.query('update users set is_admin = true where email = $1', [organiser]);

    await page.goto(`${t.baseUrl}/#/phases/${phaseId}/cases`);
    const caseRow = page.locator(`[data-testid="cases"] tr[data-case="${CASE}"]`);
    await caseRow.locator('[data-gold-status="ready"]').waitFor();
    assert.match((await caseRow.textContent()) ?? '', /218 branches/);
    for (const label of ['Case name', 'CT volume', 'Gold-standard airway mask']) assert.equal(await page.getByLabel(label).count(), 1, label);
    await browser.screenshot('09-organiser-cases');
    await caseRow.getByRole('link', { name: 'Gold in 3D' }).click();
    await page.locator('[data-testid="render-area"][data-ready="true"]').waitFor({ timeout: 60_000 });
    assert.match((await page.getByTestId('legend').textContent()) ?? '', /generation 0: 1 branch(?!es)/, 'a case without a prediction is coloured by generation');
    await browser.screenshot('09b-organiser-gold-in-3d');

    await page.goto(`${t.baseUrl}/#/phases/${phaseId}/review`);
    const rivalRow = page.locator(`[data-testid="review-table"] tr[data-submission="${rivalSubmissionId}"]`);
    await rivalRow.waitFor();
    assert.equal(await page.locator('[data-testid="review-table"] > tbody > tr').count(), 2);
    const csv = await page.request.get(`${t.baseUrl}${await page.getByRole('link', { name: 'Results (CSV)' }).getAttribute('href')}`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /^team_id,team,submission_id/);
    await rivalRow.getByText('Moderate').click();
    await rivalRow.getByRole('button', { name: 'Hide' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /Give a reason to hide submission/);
    await rivalRow.getByLabel('Reason').fill('duplicate of another entry');
    await rivalRow.getByRole('button', { name: 'Hide' }).click();
    await page.locator(`[data-testid="review-table"] tr.excluded[data-submission="${rivalSubmissionId}"]`).waitFor();
    const hidden = (await t.db.query('select hidden, hidden_reason from submissions where id = $1', [rivalSubmissionId])).rows[0];
    assert.deepEqual(hidden, { hidden: true, hidden_reason: 'duplicate of another entry' });
    await browser.screenshot('10-organiser-review');

    await page.goto(`${t.baseUrl}/#/phases/${phaseId}/leaderboard`);
    await page.getByTestId('leaderboard').locator('tbody tr').first().waitFor();
    assert.deepEqual(await page.getByTestId('leaderboard').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-team'))), ['Bronchi']);

    const rivalEvaluation = (await t.db.query('select id from evaluations where submission_id = $1 and run_id is null', [rivalSubmissionId])).rows[0].id;
    await page.goto(`${t.baseUrl}/#/compare?evaluations=${ourEvaluationId},${rivalEvaluation}`);
    await page.locator('[data-testid="render-area"][data-ready="true"]').waitFor({ timeout: 60_000 });
    const area = page.getByTestId('render-area');
    const box = (await area.boundingBox())!;
    const look = () =>
      Promise.all(
        [0, 1].map(async (half) => {
          const clip = { x: box.x + (half * box.width) / 2, y: box.y, width: box.width / 2, height: box.height };
          return classifyColours(page, await page.screenshot({ clip }), COLOURS);
        }),
      );
    // both views are drawn in turn after the ready flag: look again until each shows its colours (at most 5 s)
    let halves = await look();
    for (let i = 0; i < 50 && !(halves[1].detected.count > 2000 && halves[0].missed.count > halves[1].missed.count); i++) {
      await new Promise((r) => setTimeout(r, 100));
      halves = await look();
    }
    const shot = await area.screenshot();
    assert.ok(shot.length > 0);
    assert.ok(halves[0].missed.count > halves[1].missed.count, `Bronchi (60 missed) shows more red than the rival (4 missed): ${halves[0].missed.count} vs ${halves[1].missed.count}`);
    assert.ok(halves[1].detected.count > 2000, 'the rival view is drawn too');
    await browser.screenshot('11-compare');
    // one shared camera: dragging in the left view turns the right one too; reset brings both back
    const rightHalf = { x: box.x + box.width / 2, y: box.y, width: box.width / 2, height: box.height };
    const before = await page.screenshot({ clip: rightHalf });
    await page.mouse.move(box.x + box.width / 4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 4 + 120, box.y + box.height / 2 + 20, { steps: 8 });
    await page.mouse.up();
    // the linked view redraws on the next frames: look until it has changed (or give up after 5 s)
    let turned = await page.screenshot({ clip: rightHalf });
    for (let i = 0; i < 50 && turned.equals(before); i++) {
      await new Promise((r) => setTimeout(r, 100));
      turned = await page.screenshot({ clip: rightHalf });
    }
    assert.ok(!turned.equals(before), 'the right view turned with the left one');
    await browser.screenshot('12-compare-rotated');
    await page.getByTestId('reset-camera').click();
    let reset = await classifyColours(page, await page.screenshot({ clip: rightHalf }), COLOURS);
    for (let i = 0; i < 50 && reset.detected.count !== halves[1].detected.count; i++) {
      await new Promise((r) => setTimeout(r, 100));
      reset = await classifyColours(page, await page.screenshot({ clip: rightHalf }), COLOURS);
    }
    assert.equal(reset.detected.count, halves[1].detected.count, 'reset camera shows the first view again');
    assert.deepEqual(realErrors(browser.errors), []);
  });

  it('adds a case through the organiser form (a real chest CT), then shows its gold standard over the CT in the lung window', async () => {
    const other = await createPhase(t.deps); // the platform admin organises every challenge
    await page.goto(`${t.baseUrl}/#/phases/${other.phaseId}/cases`);
    await page.getByLabel('Case name').fill('POPI_00');
    await page.getByLabel('CT volume').setInputFiles(REAL_CT);
    await page.getByLabel('Gold-standard airway mask').setInputFiles(REAL_AIRWAY);
    await page.getByRole('button', { name: 'Add case' }).click();
    const row = page.locator('[data-testid="cases"] tr[data-case="POPI_00"]');
    await row.locator('[data-gold-status="ready"]').waitFor({ timeout: 90_000 });
    assert.match((await row.textContent()) ?? '', /512x512x141 voxels/);
    await row.getByRole('link', { name: 'Gold in 3D' }).click();
    await page.locator('[data-testid="render-area"][data-ready="true"]').waitFor({ timeout: 60_000 });
    const axial = page.locator('[data-testid="slices"] canvas[data-plane="axial"]');
    await axial.waitFor({ timeout: 60_000 });
    const greys = await axial.evaluate((canvas: PageCanvas) => {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let dark = 0;
      let bright = 0;
      let outline = 0;
      for (let p = 0; p < data.length; p += 4) {
        if (data[p] === 255 && data[p + 1] === 212 && data[p + 2] === 0) outline++;
        else if (data[p] < 100) dark++; // air, lumen and lung (below about -760 HU; -1012 HU air is grey 57)
        else if (data[p] > 200) bright++; // soft tissue and bone (above about 0 HU)
      }
      return { dark, bright, outline };
    });
    assert.ok(greys.dark > 1000 && greys.bright > 1000, `lung window shows air dark and tissue bright: ${JSON.stringify(greys)}`);
    assert.ok(greys.outline > 0, 'the airway outline is drawn on the axial slice through the airway');
    await browser.screenshot('13-organiser-real-ct-case');
    assert.deepEqual(realErrors(browser.errors), []);
  });

  it('logs out, and logs in again with the keyboard alone', async () => {
    await page.getByTestId('logout').click();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    assert.equal(await page.getByTestId('signed-in-as').count(), 0);
    await page.goto(`${t.baseUrl}/#/login`);
    await page.getByLabel('E-mail').waitFor();
    await page.keyboard.type(participant); // the e-mail field has the focus on arrival
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('signed-in-as').waitFor();
    assert.equal(await page.getByTestId('signed-in-as').textContent(), 'Signed in as Ada');
    // every form control of the main pages has a label
    for (const path of ['/register', '/login', '/account', `/phases/${phaseId}/submit`]) {
      await page.goto(`${t.baseUrl}/#${path}`);
      await page.locator('main input, main select, main textarea').first().waitFor({ state: 'attached' });
      const unlabelled = await page.evaluate(() =>
        [...(globalThis as unknown as PageGlobals).document.querySelectorAll('main input, main select, main textarea')]
          .filter((e) => !e.labels?.length && !e.getAttribute('aria-label'))
          .map((e) => e.outerHTML as string),
      );
      assert.deepEqual(unlabelled, [], `unlabelled controls on ${path}`);
    }
    assert.deepEqual(externalRequests, [], 'everything (scripts, itk-wasm pipelines) came from the platform, nothing from a CDN');
  });
});
