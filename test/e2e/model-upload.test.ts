/**
 * @slow The submit page of a model phase in headless Chromium: the limits and the example manifest shown, a file
 * that is not ONNX refused with the server's problem in an alert, then the shipped baseline model uploaded and the
 * submission page reached, with its model runs per case (queued: no worker runs here).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeVolume } from '../../evaluator/index.ts';
import { buildBaselineModel } from '../../seed/baseline-model/build-baseline.ts';
import { createCase, createPhase } from '../helpers/platform-rows.ts';
import { verificationHash } from '../helpers/mail.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { launchBrowser, type Browser } from './browser.ts';

describe('browser client: model upload @slow', function () {
  this.timeout(120_000);
  this.bail(true);
  let t: TestApp;
  let browser: Browser;
  let dir: string;
  let phaseId: number;
  let challengeId: number;
  const email = `lin-${process.pid}@example.org`;

  before(async () => {
    t = await createTestApp('e2e-model-upload');
    ({ phaseId, challengeId } = await createPhase(t.deps));
    await t.db.query(`update phases set kind = 'model' where id = $1`, [phaseId]);
    dir = mkdtempSync(join(tmpdir(), 'carina-e2e-model-'));
    const gold = join(dir, 'MOD_001.nii.gz');
    await writeVolume(gold, { size: [16, 16, 12], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], componentType: 'uint8', data: new Uint8Array(16 * 16 * 12) });
    await createCase(t.deps, phaseId, 'MOD_001', gold);
    const baseline = buildBaselineModel();
    writeFileSync(join(dir, baseline.fileName), baseline.onnx);
    writeFileSync(join(dir, 'not-a-model.onnx'), 'this is not ONNX');
    browser = await launchBrowser('model-upload');
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
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the model form with the limits and the example manifest, and refuses a file that is not ONNX', async () => {
    const page = browser.page;
    await page.goto(`${t.baseUrl}/#/register`);
    await page.getByLabel('Display name').fill('Lin');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('correct horse 12');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('check-email').waitFor();
    await page.goto(`${t.baseUrl}/${await verificationHash(t.outboxDir, email)}`);
    await page.getByTestId('signed-in-as').waitFor();
    const userId = (await t.db.query('select id from users where email = $1', [email])).rows[0].id;
    const team = await t.db.query(`insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, 'Lin lab', $2, $3, 'accepted') returning id`, [challengeId, `lin-${process.pid}`, userId]);
    await t.db.query('insert into team_members (team_id, user_id, challenge_id) values ($1, $2, $3)', [team.rows[0].id, userId, challengeId]);

    await page.goto(`${t.baseUrl}/#/phases/${phaseId}/submit`);
    await page.getByTestId('model-form').waitFor();
    assert.equal(await page.getByTestId('dropzone').count(), 0, 'no masks drop zone on a model phase');
    const limits = (await page.getByTestId('model-limits').textContent()) ?? '';
    assert.match(limits, /Model file: at most .+iB/);
    assert.match(limits, /Time per case: /);
    assert.match(limits, /Memory per case: \d+ MB/);
    const manifest = JSON.parse(await page.getByLabel('Manifest (JSON)').inputValue());
    assert.equal(manifest.input.layout, 'NCDHW');

    await page.getByLabel('Model (.onnx)').setInputFiles(join(dir, 'not-a-model.onnx'));
    await page.getByRole('button', { name: 'Upload' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'VALIDATION_FAILED' });
    await alert.waitFor({ timeout: 60_000 });
    assert.match((await alert.textContent()) ?? '', /not-a-model\.onnx — NOT_ONNX: /);
    assert.equal((await t.db.query('select count(*)::int as n from submissions where phase_id = $1', [phaseId])).rows[0].n, 0);
  });

  it('uploads the baseline model with its manifest and opens the submission with its model runs', async () => {
    const page = browser.page;
    const baseline = buildBaselineModel();
    await page.getByLabel('Manifest (JSON)').fill(JSON.stringify(baseline.manifest, null, 2));
    await page.getByLabel('Model (.onnx)').setInputFiles(join(dir, baseline.fileName));
    await page.getByLabel('Note (optional)').fill('baseline');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.waitForURL(/#\/submissions\/\d+$/, { timeout: 90_000 });
    const row = page.locator('[data-testid="model-runs"] tr[data-case="MOD_001"]');
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.getAttribute('data-status'), 'queued');
    await browser.screenshot('model-submission');
    const submissions = (await t.db.query(`select s.note from submissions s join submission_models m on m.submission_id = s.id where s.phase_id = $1`, [phaseId])).rows;
    assert.deepEqual(submissions, [{ note: 'baseline' }]);
  });
});
