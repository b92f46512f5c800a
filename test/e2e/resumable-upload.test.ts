/**
 * @slow Resumable uploads in the browser, in Debian's headless Chromium against the real server, PostgreSQL, queue
 * and in-process worker, through a TCP proxy that can drop the connection: the submit page (threshold and chunk
 * size lowered by its query) sends a 3 MB mask with tus; the proxy cuts the connection in the middle of a chunk →
 * the page says it is resuming, asks the server for its offset and sends exactly the bytes the server lacks → the
 * submission is accepted and scored. Then a connection that stays down pauses the upload behind a Resume button;
 * a reload of the page resumes the upload where the server stopped once the same file is chosen again, or starts
 * over when asked; and a file the server refuses shows the same validation errors as a multipart upload.
 *
 * The phase and its synthetic case (a small bronchial tree, 144³ voxels) are set up by SQL.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { writeVolume, type ImageGeometry } from '../../evaluator/index.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { createCase, createPhase, waitFor } from '../helpers/platform-rows.ts';
import { tokenIn, waitForOutboxMail } from '../helpers/mail.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { launchBrowser, type Browser } from './browser.ts';

const CASE = 'SYN_001';
const SIZE: [number, number, number] = [144, 144, 144];
const GEOMETRY: ImageGeometry = { size: SIZE, spacing: [0.8, 0.8, 0.8], origin: [-57.6, -57.6, -100], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const CHUNK = 256 * 1024;

/** A trachea, two main bronchi and four lobar ones, as tubes (voxel coordinates, file order x fastest). */
function bronchialTree(): Uint8Array {
  const [nx, ny, nz] = SIZE;
  const data = new Uint8Array(nx * ny * nz);
  const tube = (a: number[], b: number[], r: number) => {
    const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const length2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2;
    const lo = [0, 1, 2].map((i) => Math.max(0, Math.floor(Math.min(a[i], b[i]) - r)));
    const hi = [0, 1, 2].map((i) => Math.min(SIZE[i] - 1, Math.ceil(Math.max(a[i], b[i]) + r)));
    for (let z = lo[2]; z <= hi[2]; z++)
      for (let y = lo[1]; y <= hi[1]; y++)
        for (let x = lo[0]; x <= hi[0]; x++) {
          const t = Math.max(0, Math.min(1, ((x - a[0]) * d[0] + (y - a[1]) * d[1] + (z - a[2]) * d[2]) / length2));
          const dist2 = (x - a[0] - t * d[0]) ** 2 + (y - a[1] - t * d[1]) ** 2 + (z - a[2] - t * d[2]) ** 2;
          if (dist2 <= r * r) data[x + nx * (y + ny * z)] = 1;
        }
  };
  tube([72, 72, 138], [72, 72, 95], 7);
  tube([72, 72, 95], [45, 72, 65], 5);
  tube([72, 72, 95], [99, 72, 65], 5);
  tube([45, 72, 65], [28, 58, 30], 3.5);
  tube([45, 72, 65], [40, 92, 28], 3.5);
  tube([99, 72, 65], [116, 58, 30], 3.5);
  tube([99, 72, 65], [104, 92, 28], 3.5);
  return data;
}

/**
 * A TCP proxy in front of the server, the page's origin: it forwards everything, except that once armed it cuts
 * the connection after `bytes` more bytes from the browser (in the middle of a PATCH body: the only big sender),
 * and then stays down (refusing every connection) for `downMs`, or until `comeBack()`.
 */
class FlakyProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private cutAfter?: number;
  private downFor?: number;
  private down = false;
  private forwarded = 0;
  cuts = 0;
  port = 0;

  constructor(private readonly upstream: URL) {
    this.server = createServer((client) => this.connect(client));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return `http://127.0.0.1:${this.port}`;
  }

  /** Cut the connection after `bytes` more bytes from the browser, then refuse connections for `downMs` (forever: undefined). */
  arm(bytes: number, downMs?: number): void {
    this.forwarded = 0;
    this.cutAfter = bytes;
    this.downFor = downMs;
  }

  comeBack(): void {
    this.down = false;
  }

  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
  }

  private connect(client: Socket): void {
    if (this.down) {
      client.destroy();
      return;
    }
    const server = createConnection(Number(this.upstream.port), this.upstream.hostname);
    this.sockets.add(client).add(server);
    client.on('data', (chunk: Buffer) => {
      if (this.cutAfter !== undefined && this.forwarded + chunk.length > this.cutAfter) {
        // the server gets a prefix of the stream and, once it has had time to store it, the end; the browser a reset
        this.sockets.delete(server);
        server.write(chunk.subarray(0, this.cutAfter - this.forwarded));
        setTimeout(() => server.end(), 200);
        client.destroy();
        this.cutAfter = undefined;
        this.cuts++;
        this.goDown();
        return;
      }
      this.forwarded += chunk.length;
      server.write(chunk);
    });
    server.on('data', (chunk) => client.write(chunk));
    for (const [one, other] of [[client, server], [server, client]] as const) {
      one.on('error', () => other.destroy());
      one.on('close', () => {
        other.destroy();
        this.sockets.delete(one);
      });
    }
  }

  private goDown(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
    if (this.downFor !== undefined) setTimeout(() => this.comeBack(), this.downFor);
  }
}

/** The tus requests the page made, as the browser sent them and the server answered. */
interface TusCall {
  method: string;
  at: number;
  offset?: number;
  bodyBytes?: number;
  status?: number;
  replyOffset?: number;
  checksum?: string;
  failed?: string;
}

function recordTus(page: Page): TusCall[] {
  const calls: TusCall[] = [];
  const pending = new Map<Request, TusCall>();
  page.on('request', (request) => {
    if (!/\/api\/uploads(\/|$)/.test(new URL(request.url()).pathname)) return;
    const headers = request.headers();
    const call: TusCall = { method: request.method(), at: Date.now(), checksum: headers['upload-checksum'] };
    if (headers['upload-offset'] !== undefined) call.offset = Number(headers['upload-offset']);
    calls.push(call);
    pending.set(request, call);
  });
  page.on('requestfinished', async (request) => {
    const call = pending.get(request);
    if (!call) return;
    const response = await request.response();
    call.status = response?.status();
    const replyOffset = response ? await response.headerValue('upload-offset') : null;
    if (replyOffset !== null) call.replyOffset = Number(replyOffset);
    call.bodyBytes = Number((await request.allHeaders())['content-length'] ?? 0);
  });
  page.on('requestfailed', (request) => {
    const call = pending.get(request);
    if (call) call.failed = request.failure()?.errorText ?? 'failed';
  });
  return calls;
}

/** Every value the form's data-upload-state took, and every text of the status line, from now on. */
async function watchUploadState(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as {
      document: { querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } };
      MutationObserver: new (cb: () => void) => { observe(target: unknown, options: Record<string, boolean>): void };
      seenStates: string[];
      seenTexts: string[];
    };
    const form = w.document.querySelector('form[data-upload-state]');
    const line = w.document.querySelector('[data-testid="upload-state"]');
    w.seenStates = [];
    w.seenTexts = [];
    new w.MutationObserver(() => {
      const state = form.getAttribute('data-upload-state') ?? '';
      if (w.seenStates.at(-1) !== state) w.seenStates.push(state);
    }).observe(form, { attributes: true });
    new w.MutationObserver(() => {
      if (line.textContent) w.seenTexts.push(line.textContent);
    }).observe(line, { childList: true, characterData: true, subtree: true });
  });
}

async function seen(page: Page): Promise<{ states: string[]; texts: string[] }> {
  return page.evaluate(() => {
    const w = globalThis as unknown as { seenStates?: string[]; seenTexts?: string[] };
    return { states: w.seenStates ?? [], texts: w.seenTexts ?? [] };
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('browser client: resumable uploads @slow', function () {
  this.timeout(60_000);
  let t: TestApp;
  let proxy: FlakyProxy;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let phaseId: number;
  let prediction: string;
  let predictionBytes: Buffer;
  const email = `resume-${process.pid}@example.org`;

  const submitUrl = (query: string) => `${origin}/#/phases/${phaseId}/submit?resumableOver=${1024 * 1024}&chunkBytes=${CHUNK}&${query}`;

  async function chooseFile(): Promise<void> {
    await page.getByTestId('file-input').setInputFiles(prediction);
    await page.getByTestId('precheck-ok').waitFor({ timeout: 30_000 });
  }

  async function submissionFiles(submissionId: number): Promise<Array<{ sha256: string; original_name: string }>> {
    return (await t.db.query('select sha256, original_name from submission_files where submission_id = $1', [submissionId])).rows;
  }

  before(async () => {
    t = await createTestApp('e2e-resumable');
    await startWorker(t.deps);
    const phase = await createPhase(t.deps);
    phaseId = phase.phaseId;
    dir = mkdtempSync(join(tmpdir(), 'carina-e2e-resume-'));
    mkdirSync(join(dir, 'gold'));
    mkdirSync(join(dir, 'ours'));
    const tree = bronchialTree();
    await writeVolume(join(dir, 'gold', `${CASE}.nii.gz`), { ...GEOMETRY, componentType: 'uint8', data: tree });
    prediction = join(dir, 'ours', `${CASE}.nii`); // uncompressed: 3 MB
    await writeVolume(prediction, { ...GEOMETRY, componentType: 'uint8', data: tree });
    predictionBytes = readFileSync(prediction);
    await createCase(t.deps, phaseId, CASE, join(dir, 'gold', `${CASE}.nii.gz`));

    proxy = new FlakyProxy(new URL(t.baseUrl));
    origin = await proxy.listen();
    browser = await launchBrowser('resumable-upload');
    page = browser.page;
    const registered = await page.request.post(`${origin}/api/auth/register`, { data: { email, password: 'correct horse 12', displayName: 'Resumer' } });
    assert.equal(registered.status(), 202);
    const token = tokenIn(await waitForOutboxMail(t.outboxDir, email, '/verify'), '/verify');
    assert.equal((await page.request.post(`${origin}/api/auth/verify`, { data: { token } })).status(), 200);
    const userId = (await t.db.query('select id from users where email = $1', [email])).rows[0].id;
    const team = await t.db.query(
      `insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, 'Resumers', $2, $3, 'accepted') returning id`,
      [phase.challengeId, `resume-${process.pid}`, userId],
    );
    await t.db.query('insert into team_members (team_id, user_id, challenge_id) values ($1, $2, $3)', [team.rows[0].id, userId, phase.challengeId]);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !browser) return;
    await browser.screenshot(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    console.error(`page ${page.url()}\nbrowser errors:\n${browser.errors.join('\n')}`);
  });

  after(async function () {
    await browser?.close();
    proxy?.close();
    await t?.close(this.currentTest?.state === 'failed');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("resumes a connection dropped mid-chunk from the server's offset, then the submission is accepted and scored", async () => {
    const size = statSync(prediction).size;
    assert.ok(size > 2.9e6, `a file of a few MB (${size} bytes)`);
    await page.goto(submitUrl('retryDelayMs=300&checksum=0'));
    await chooseFile();
    await watchUploadState(page);
    const calls = recordTus(page);
    proxy.arm(Math.round(size * 0.4), 500); // 40 % of the file through, then half a second of no network
    await page.getByTestId('upload').click();
    await page.waitForURL(/#\/submissions\/\d+$/, { timeout: 30_000 });
    const submissionId = Number(/submissions\/(\d+)$/.exec(page.url())![1]);
    assert.equal(proxy.cuts, 1, 'the connection was cut once');

    const { states, texts } = await seen(page);
    assert.deepEqual(states.slice(states.indexOf('uploading')), ['uploading', 'resuming', 'uploading', 'submitting'], `states: ${states.join(', ')}`);
    assert.ok(texts.some((text) => /^Connection lost — resuming in 1 s \(attempt 1 of 5\)/.test(text)), `the page said it was resuming: ${texts.join(' | ')}`);
    assert.ok(texts.some((text) => /resumed at [\d.]+ [KM]iB — the server's offset/.test(text)), texts.join(' | '));

    // the server's offset after the drop, and what was sent from there
    assert.equal(calls.filter((c) => c.method === 'POST').length, 1, 'one upload, created once');
    const dropped = calls.findIndex((c) => c.method === 'PATCH' && c.failed);
    assert.ok(dropped > 0, 'a PATCH failed');
    const head = calls.slice(dropped).find((c) => c.method === 'HEAD' && c.status === 200);
    assert.ok(head, 'the page asked the server for its offset');
    const resumedAt = Number(await headOffset(calls, head));
    const cutChunkStart = calls[dropped].offset!;
    // without checksums the server keeps what of the cut chunk reached its disk (usually most of what arrived)
    assert.ok(resumedAt >= cutChunkStart && resumedAt < cutChunkStart + CHUNK, `resumed inside the cut chunk: ${cutChunkStart} ≤ ${resumedAt}`);
    const after = calls.slice(calls.indexOf(head) + 1).filter((c) => c.method === 'PATCH');
    assert.ok(after.every((c) => c.status === 204 && !c.checksum), 'every later PATCH succeeded (no checksum asked for)');
    assert.equal(after[0].offset, resumedAt, "the first PATCH after the drop starts at the server's offset");
    for (let n = 1; n < after.length; n++) assert.equal(after[n].offset, after[n - 1].replyOffset, 'contiguous');
    assert.equal(after.reduce((sum, c) => sum + c.bodyBytes!, 0), size - resumedAt, 'the bytes sent after the drop are exactly the bytes the server lacked');
    assert.equal(after.at(-1)!.replyOffset, size);

    // no byte twice: the stored file is the file
    const files = await submissionFiles(submissionId);
    assert.deepEqual(files, [{ sha256: sha256(predictionBytes), original_name: `${CASE}.nii` }]);
    assert.equal((await t.db.query('select count(*)::int as n from resumable_uploads')).rows[0].n, 0, 'the upload was consumed');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length), 0, 'and forgotten by the page');

    // scored: the prediction is the gold standard itself
    const row = page.locator(`[data-testid="case-status"] tr[data-case="${CASE}"]`);
    await row.and(page.locator('[data-status="done"]')).waitFor({ timeout: 40_000 });
    assert.equal(Number((await row.locator('td[data-metric="TD"]').textContent())?.trim()), 100);
    assert.equal(Number((await row.locator('td[data-metric="BD"]').textContent())?.trim()), 100);
    await browser.screenshot('01-resumed-and-scored');
  });

  it('pauses behind a Resume button while the connection stays down, and goes on when it is pressed', async () => {
    const size = predictionBytes.length;
    await page.goto(submitUrl('retryDelayMs=100&retries=2'));
    await chooseFile();
    await watchUploadState(page);
    const calls = recordTus(page);
    proxy.arm(Math.round(size * 0.5)); // down until told
    await page.getByTestId('upload').click();
    const resume = page.getByRole('button', { name: 'Resume', exact: true });
    await resume.waitFor({ timeout: 20_000 });
    assert.match((await page.getByTestId('upload-state').textContent()) ?? '', /^Connection lost — the upload is paused after 3 failed attempts/);
    assert.equal(await page.locator('form').getAttribute('data-upload-state'), 'paused');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent), 'Resume', 'the Resume button has the focus');
    await browser.screenshot('02-paused');
    const whilePaused = calls.length;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(calls.length, whilePaused, 'nothing is sent while paused');

    proxy.comeBack();
    await resume.click();
    await page.waitForURL(/#\/submissions\/\d+$/, { timeout: 30_000 });
    const submissionId = Number(/submissions\/(\d+)$/.exec(page.url())![1]);
    const { states } = await seen(page);
    assert.deepEqual(states.slice(-3), ['resuming', 'uploading', 'submitting'], states.join(', '));
    const afterResume = calls.slice(whilePaused);
    const head = afterResume.find((c) => c.method === 'HEAD' && c.status === 200)!;
    const resumedAt = Number(await headOffset(calls, head));
    assert.equal(resumedAt % CHUNK, 0, 'with checksums (the default) a cut chunk is not kept: the offset is a chunk boundary');
    const patches = afterResume.filter((c) => c.method === 'PATCH');
    assert.ok(patches.every((c) => c.status === 204 && c.checksum?.startsWith('sha256 ')), 'each chunk carried its sha256');
    assert.equal(patches.reduce((sum, c) => sum + c.bodyBytes!, 0), size - resumedAt);
    assert.deepEqual(await submissionFiles(submissionId), [{ sha256: sha256(predictionBytes), original_name: `${CASE}.nii` }]);
  });

  it('after a reload, offers to resume when the same file is chosen again, and sends only the rest', async () => {
    const size = predictionBytes.length;
    await page.goto(submitUrl('retryDelayMs=100&retries=0'));
    await chooseFile();
    proxy.arm(Math.round(size * 0.6));
    await page.getByTestId('upload').click();
    await page.getByRole('button', { name: 'Resume', exact: true }).waitFor({ timeout: 20_000 });
    assert.match((await page.getByTestId('upload-state').textContent()) ?? '', /paused after 1 failed attempt \(/);
    proxy.comeBack();

    await page.reload();
    await page.getByTestId('file-input').waitFor({ state: 'attached' });
    const calls = recordTus(page);
    await page.getByTestId('file-input').setInputFiles(prediction);
    const prompt = page.getByTestId('resume-prompt');
    await prompt.getByRole('button', { name: 'Resume upload' }).waitFor({ timeout: 30_000 });
    const upload = (await t.db.query('select id, length_bytes from resumable_uploads')).rows;
    assert.deepEqual(upload.map((u) => Number(u.length_bytes)), [size], 'one unfinished upload on the server');
    const held = await headOffset(calls, calls.find((c) => c.method === 'HEAD')!);
    assert.ok(held > 0 && held < size && held % CHUNK === 0, `the server holds whole chunks: ${held}`);
    assert.match((await page.getByTestId('resume-prompt-detail').textContent()) ?? '', new RegExp(`stopped with [\\d.]+ MiB of 2\\.\\d MiB on the server \\(${Math.floor((100 * held) / size)} %\\)`));
    assert.equal(await page.getByTestId('upload').isDisabled(), true, 'the question comes first');
    await browser.screenshot('03-resume-previous-upload');
    await prompt.getByRole('button', { name: 'Resume upload' }).click();
    await page.waitForURL(/#\/submissions\/\d+$/, { timeout: 30_000 });
    const submissionId = Number(/submissions\/(\d+)$/.exec(page.url())![1]);

    assert.equal(calls.filter((c) => c.method === 'POST').length, 0, 'no new upload: the remembered one went on');
    const patches = calls.filter((c) => c.method === 'PATCH');
    assert.equal(patches[0].offset, held, "the first PATCH starts at the server's offset");
    assert.equal(patches.reduce((sum, c) => sum + c.bodyBytes!, 0), size - held, 'only the rest was sent');
    assert.deepEqual(await submissionFiles(submissionId), [{ sha256: sha256(predictionBytes), original_name: `${CASE}.nii` }]);
  });

  it("shows the server's validation errors for files sent resumably, and removes their uploads", async () => {
    mkdirSync(join(dir, 'truncated'));
    const truncated = join(dir, 'truncated', `${CASE}.nii`);
    writeFileSync(truncated, predictionBytes.subarray(0, predictionBytes.length >> 1)); // header intact, voxels cut
    await page.goto(submitUrl(''));
    await page.getByTestId('file-input').setInputFiles(truncated);
    await page.getByTestId('precheck-ok').waitFor({ timeout: 30_000 });
    const calls = recordTus(page);
    await page.getByTestId('upload').click();
    const errors = page.getByTestId('server-errors');
    await errors.waitFor({ timeout: 30_000 });
    assert.match((await errors.textContent()) ?? '', new RegExp(`A problem \\(VALIDATION_FAILED\\):.*case ${CASE}: file "${CASE}\\.nii" could not be read`));
    assert.ok(calls.some((c) => c.method === 'PATCH'), 'sent with tus');
    await waitFor('the refused uploads removed', async () => (await t.db.query('select count(*)::int as n from resumable_uploads')).rows[0].n === 0, 5000);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length), 0);
    assert.equal(await page.getByTestId('upload').isDisabled(), false, 'another try is possible');
    assert.equal(await page.locator('form').getAttribute('data-upload-state'), 'idle');
    await browser.screenshot('04-validation-errors');
  });

  it('starts over when asked, deleting the earlier upload, and sends the whole file again', async () => {
    const size = predictionBytes.length;
    await page.goto(submitUrl('retryDelayMs=100&retries=0'));
    await chooseFile();
    proxy.arm(Math.round(size * 0.5));
    await page.getByTestId('upload').click();
    await page.getByRole('button', { name: 'Resume', exact: true }).waitFor({ timeout: 20_000 });
    proxy.comeBack();
    const earlier = (await t.db.query('select id from resumable_uploads')).rows.map((r) => r.id);
    assert.equal(earlier.length, 1);

    await page.reload();
    await page.getByTestId('file-input').setInputFiles(prediction);
    await page.getByRole('button', { name: 'Start over' }).click();
    await page.getByTestId('resume-prompt').getByRole('button').first().waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('upload').isDisabled(), false);
    assert.equal((await t.db.query('select count(*)::int as n from resumable_uploads')).rows[0].n, 0, 'the earlier upload is deleted');
    const calls = recordTus(page);
    await page.getByTestId('upload').click();
    await page.waitForURL(/#\/submissions\/\d+$/, { timeout: 30_000 });
    const submissionId = Number(/submissions\/(\d+)$/.exec(page.url())![1]);
    assert.equal(calls.filter((c) => c.method === 'POST').length, 1, 'a new upload');
    assert.equal(calls.filter((c) => c.method === 'PATCH').reduce((sum, c) => sum + c.bodyBytes!, 0), size, 'the whole file');
    assert.deepEqual(await submissionFiles(submissionId), [{ sha256: sha256(predictionBytes), original_name: `${CASE}.nii` }]);
    const errors = browser.errors.filter((e) => !/net::ERR_(CONNECTION_RESET|CONNECTION_CLOSED|CONNECTION_REFUSED|EMPTY_RESPONSE|SOCKET_NOT_CONNECTED)|status of 422/.test(e));
    assert.deepEqual(errors, [], 'no other errors in the page than the dropped connections and the refused submission');
  });
});

/** The Upload-Offset a HEAD answered (recorded when its response arrived). */
async function headOffset(calls: TusCall[], head: TusCall): Promise<number> {
  await waitFor('the HEAD answer', async () => head.replyOffset !== undefined, 5000, 20);
  assert.ok(calls.includes(head));
  return head.replyOffset!;
}
