/**
 * @slow The 3D viewer on a phase scored with AIIB23 alone, in Debian's headless Chromium against the real server,
 * PostgreSQL, queue and in-process worker: the organiser creates the phase and its case over HTTP (the spurred
 * airway of test/helpers/spurred-airway.ts, four AIIB23 segments), a team uploads a prediction that loses the
 * right bronchus's lower half and another the whole airway; both are scored. The first team opens its case: the
 * legend, the colour control and the picked details name AIIB23 segments (no trachea, no generations), the counts
 * are the stored AIIB23 figures, the canvas shows detected green and missed red, and a picked pixel's segment has
 * the stored flag of its colour. The organiser then compares both teams and the gold standard on that case.
 * Screenshots: test-output/screenshots/aiib23-viewer/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { writeVolume } from '../../evaluator/index.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { waitFor } from '../helpers/platform-rows.ts';
import { spurredAirway, withoutLowerRight } from '../helpers/spurred-airway.ts';
import { createTestApp, type Agent, type TestApp } from '../helpers/test-app.ts';
import { launchBrowser, type Browser } from './browser.ts';
import { classifyColours, pickAt } from './pixels.ts';

const COLOURS = { detected: '#2e9e5b', missed: '#d1495b' };
const PASSWORD = 'correct horse 12';
const ORGANISER = `organiser-${process.pid}@example.org`;
const MEMBER = `member-${process.pid}@example.org`;
const RIVAL = `rival-${process.pid}@example.org`;

interface Scored {
  submissionId: number;
  evaluationId: number;
}

/** AIIB23's full score of an evaluation, as the worker stored it (the team sees only part of it). */
interface StoredAiib {
  branches_total: number;
  branches_detected: number;
  branch_detected: number[];
}

/** Signs in through the API (the context shares the cookie), then opens `hash` as a fresh page that reads the session. */
async function openSignedIn(page: Page, baseUrl: string, email: string, hash: string): Promise<void> {
  const login = await page.context().request.post(`${baseUrl}/api/auth/login`, { data: { email, password: PASSWORD } });
  assert.equal(login.status(), 200, await login.text());
  await page.goto('about:blank'); // a new document: the client asks who is signed in again
  await page.goto(`${baseUrl}/${hash}`);
  assert.equal(await page.getByTestId('signed-in-as').textContent(), `Signed in as ${email.split('@')[0]}`);
}

describe('browser client: the 3D viewer on an AIIB23 phase @slow', function () {
  this.timeout(180_000);
  this.bail(true); // one flow: the compare step needs the scored submissions of the first
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let work: string;
  let phaseId: number;
  let caseId: number;
  let ours: Scored & { aiib: StoredAiib };
  let rival: Scored;

  /** A team of one member that uploads `file` as its prediction of the case; waits until it is scored. */
  async function submitAs(email: string, team: string, file: string): Promise<Scored> {
    const member: Agent = t.agent();
    await member.register(email, PASSWORD);
    assert.equal((await member.post('/api/teams', { challenge: 'aiib-e2e', name: team })).status, 201);
    const submitted = await member.upload(`/api/phases/${phaseId}/submissions`, [{ path: file, name: 'AIIB_001.nii.gz' }]);
    assert.equal(submitted.status, 202, submitted.text);
    const id = submitted.body.submission.id as number;
    const status = await waitFor(`submission ${id}`, async () => {
      const r = (await t.db.query('select status from submissions where id = $1', [id])).rows[0];
      return (r.status === 'done' || r.status === 'failed') && r.status;
    }, 90_000, 200);
    assert.equal(status, 'done');
    const evaluationId = (await t.db.query('select id from evaluations where submission_id = $1 and run_id is null', [id])).rows[0].id;
    return { submissionId: id, evaluationId };
  }

  before(async () => {
    t = await createTestApp('e2e-aiib23');
    await startWorker(t.deps);
    work = mkdtempSync(join(tmpdir(), 'carina-e2e-aiib-'));
    const goldPath = join(work, 'gold.nii.gz');
    const predPath = join(work, 'pred.nii.gz');
    await writeVolume(goldPath, spurredAirway());
    await writeVolume(predPath, withoutLowerRight());
    const organiser = t.agent();
    await organiser.register(ORGANISER, PASSWORD);
    await t.db.query('update users set is_admin = true where email = $1', [ORGANISER]);
    assert.equal((await organiser.post('/api/challenges', { slug: 'aiib-e2e', title: 'AIIB23 in 3D', participationPolicy: 'auto' })).status, 201);
    const created = await organiser.post('/api/challenges/aiib-e2e/phases', {
      name: 'AIIB23 validation',
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      closesAt: new Date(Date.now() + 86400_000).toISOString(),
      dailyLimit: 10,
      showCaseResults: true,
      teamsInspectIn3d: true,
      ranking: { scheme: 'weighted', weights: { IoU: 0.5, DBR: 0.5 } },
      metricSuites: ['aiib23'],
    });
    assert.equal(created.status, 201, created.text);
    phaseId = created.body.phase.id;
    const upload = await organiser.upload(`/api/phases/${phaseId}/cases`, [
      { path: goldPath, field: 'ct', name: 'AIIB_001_0000.nii.gz' },
      { path: goldPath, field: 'gold', name: 'AIIB_001_label.nii.gz' },
    ], { name: 'AIIB_001' });
    assert.equal(upload.status, 201, upload.text);
    caseId = (await t.db.query('select id from cases where phase_id = $1', [phaseId])).rows[0].id;
    const scored = await submitAs(MEMBER, 'Spur lab', predPath);
    rival = await submitAs(RIVAL, 'Whole tree', goldPath);
    const metrics = (await t.db.query('select metrics from evaluations where id = $1', [scored.evaluationId])).rows[0].metrics;
    ours = { ...scored, aiib: metrics.aiib23 };
    assert.deepEqual(metrics.suites, ['aiib23']);
    assert.equal(ours.aiib.branches_total, 4, 'the spurred airway has four AIIB23 segments');
    assert.ok(ours.aiib.branches_detected > 0 && ours.aiib.branches_detected < ours.aiib.branches_total, 'some detected, some missed');
    browser = await launchBrowser('aiib23-viewer');
    page = browser.page;
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await browser?.reportFailure(this.currentTest.title);
  });

  after(async function () {
    await browser?.close();
    await t?.close(this.currentTest?.state === 'failed');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the team opens its case: AIIB23 segments in the legend with the stored counts, coloured as stored, picked by segment', async () => {
    await openSignedIn(page, t.baseUrl, MEMBER, `#/evaluations/${ours.evaluationId}`);
    const area = page.getByTestId('render-area');
    await page.locator('[data-testid="render-area"][data-ready="true"]').waitFor({ timeout: 60_000 });

    const detected = ours.aiib.branches_detected;
    const missed = ours.aiib.branches_total - ours.aiib.branches_detected;
    const legend = page.getByTestId('legend');
    assert.equal(await legend.locator('[data-count="detected"]').textContent(), `Detected AIIB23 segments: ${detected}`);
    assert.equal(await legend.locator('[data-count="missed"]').textContent(), `Missed AIIB23 segments: ${missed}`);
    assert.doesNotMatch((await legend.textContent()) ?? '', /Trachea|branches/, 'AIIB23 has no trachea, and its pieces are segments');
    assert.match((await page.getByTestId('detection-rule').textContent()) ?? '', /raw-label centreline/);
    const modes = await page.getByTestId('colour-mode').locator('option').evaluateAll((options) => options.map((o) => o.textContent));
    assert.deepEqual(modes, ['AIIB23 segment result'], 'no generation colouring: the segments have no tree');
    assert.equal(await page.getByTestId('generation-plot').count(), 0);
    for (const name of ['IoU', 'DLR', 'DBR', 'AIIB_Precision', 'Leakage']) assert.equal(await page.locator(`[data-metric="${name}"]`).count(), 1, name);
    assert.equal(await page.locator('[data-metric="TD"]').count(), 0);

    // SwiftShader may still be drawing the frame the ready flag announced: look again until both colours are there
    let colours = await classifyColours(page, await area.screenshot(), COLOURS);
    for (let i = 0; i < 50 && !(colours.detected.count > 1000 && colours.missed.count > 100); i++) {
      await new Promise((r) => setTimeout(r, 100));
      colours = await classifyColours(page, await area.screenshot(), COLOURS);
    }
    assert.ok(colours.detected.count > 1000, `detected green on the canvas: ${colours.detected.count} pixels`);
    assert.ok(colours.missed.count > 100, `missed red on the canvas: ${colours.missed.count} pixels`);
    await browser.screenshot('01-viewer');

    // each colour is the stored flag of the segment under it
    for (const kind of ['detected', 'missed'] as const) {
      const details = await pickAt(page, area, colours[kind].interior!);
      const segment = Number(await details.getAttribute('data-branch'));
      assert.equal(await details.locator('h2').textContent(), `AIIB23 segment ${segment}`);
      assert.equal((await details.locator('[data-field="result"]').textContent())?.trim(), kind, `clicked a ${kind} pixel`);
      assert.equal(ours.aiib.branch_detected[segment - 1], kind === 'detected' ? 1 : 0, `segment ${segment}'s stored flag`);
      assert.equal(await details.locator('[data-field="generation"]').textContent(), '— (unrefined segment)');
      assert.match((await details.locator('[data-field="fraction"]').textContent()) ?? '', /^\d+\.\d % of its centreline \(detected from 80 %\)$/);
      await browser.screenshot(`02-picked-${kind}`);
    }
    await page.locator('[data-testid="slices"] canvas[data-plane="axial"]').waitFor({ timeout: 30_000 });
    assert.deepEqual(browser.errors, []);
  });

  it('the organiser compares both teams and the gold standard: the picked AIIB23 segment in each view', async () => {
    await openSignedIn(page, t.baseUrl, ORGANISER, `#/compare?evaluations=${ours.evaluationId},${rival.evaluationId}&case=${caseId}`);
    await page.locator('[data-testid="render-area"][data-ready="true"]').waitFor({ timeout: 60_000 });
    const area = page.getByTestId('render-area');
    const box = (await area.boundingBox())!;
    assert.deepEqual(await page.locator('.viewport-labels span').allTextContents(), [
      'AIIB_001: gold standard',
      `Spur lab (submission ${ours.submissionId})`,
      `Whole tree (submission ${rival.submissionId})`,
    ]);
    const third = (n: number) => ({ x: box.x + (n * box.width) / 3, y: box.y, width: box.width / 3, height: box.height });
    // each view is drawn in turn after the ready flag: look again until the second one shows its red segment
    const look = () => Promise.all([0, 1, 2].map(async (n) => classifyColours(page, await page.screenshot({ clip: third(n) }), COLOURS)));
    let views = await look();
    for (let i = 0; i < 50 && !(views[1].missed.count > 100 && views[2].detected.count > 1000); i++) {
      await new Promise((r) => setTimeout(r, 100));
      views = await look();
    }
    assert.equal(views[0].detected.count + views[0].missed.count, 0, 'the gold standard alone is not coloured by a result');
    assert.ok(views[1].missed.count > 100, `Spur lab's missed segment is red: ${views[1].missed.count} pixels`);
    assert.ok(views[2].detected.count > 1000 && views[2].missed.count < views[1].missed.count / 10, `the whole tree is green: ${JSON.stringify(views[2])}`);
    await browser.screenshot('03-compare');

    const red = views[1].missed.interior!; // in the middle third's own pixels
    const picked = await pickAt(page, area, { x: box.width / 3 + red.x, y: red.y });
    const segment = Number(await picked.getAttribute('data-branch'));
    const across = page.getByTestId('across-views');
    assert.equal(ours.aiib.branch_detected[segment - 1], 0, 'the picked segment is one the team missed');
    assert.equal(await across.locator('h2').textContent(), `AIIB23 segment ${segment} in each view`);
    const lines = await across.locator('li').allTextContents();
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^AIIB_001: gold standard: unlabelled$/);
    assert.match(lines[1], new RegExp(`^Spur lab \\(submission ${ours.submissionId}\\): missed \\(\\d+\\.\\d %\\)$`));
    assert.match(lines[2], new RegExp(`^Whole tree \\(submission ${rival.submissionId}\\): detected \\(100\\.0 %\\)$`));
    await browser.screenshot('04-compare-picked');
    assert.deepEqual(browser.errors, []);
  });
});
