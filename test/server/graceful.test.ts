/**
 * Graceful shutdown. In-process: a draining server answers new uploads 503 (nothing stored) and fails its
 * readiness; a worker queue stopped with a job running past its grace releases the job to the queue.
 * @slow with the real entry points (spawned with tsx, like production runs them): a worker sent SIGTERM mid-case
 * finishes that case and takes no new job; a server sent SIGTERM during an upload completes that upload, answers
 * a new one 503, then exits 0.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../server/app.ts';
import { UploadGate } from '../../server/lifecycle/upload-gate.ts';
import { startJobQueue } from '../../server/jobs/job-queue.ts';
import { expectedPairs, referencePath } from '../helpers/reference-cases.ts';
import * as rows from '../helpers/platform-rows.ts';
import { createPhaseWithCases, createTeam, writeMask } from '../helpers/submission-fixtures.ts';
import { Agent, createTestApp, type TestApp } from '../helpers/test-app.ts';

const SERVER_MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../server/worker-main.ts', import.meta.url));
const { waitFor } = rows;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}
const exited = (child: ChildProcess) =>
  new Promise<Exit>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

function spawnEntry(entry: string, args: string[], env: Record<string, string>): ChildProcess {
  return fork(entry, args, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, CARINA_LOG_LEVEL: 'warn', SEED_DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
}

/** A multipart upload of one file sent in two halves: the request is in flight between them. */
function uploadInTwoHalves(url: string, token: string, fileName: string, content: Buffer) {
  const boundary = `carina-${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const req = request(url, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length, authorization: `Bearer ${token}` },
  });
  const reply = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
  });
  const half = Math.floor(body.length / 2);
  req.write(body.subarray(0, half));
  return { reply, finish: () => req.end(body.subarray(half)) };
}

async function metric(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  assert.ok(match, `${name} in /metrics`);
  return Number(match[1]);
}

describe('graceful shutdown', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'carina-graceful-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('a draining app (in-process)', () => {
    let t: TestApp;
    let server: Server;
    let baseUrl: string;
    const gate = new UploadGate();
    before(async () => {
      t = await createTestApp('graceful_gate');
      server = await new Promise<Server>((resolve) => {
        const s = createApp(t.deps, { uploadGate: gate }).listen(0, '127.0.0.1', () => resolve(s));
      });
      const address = server.address();
      baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    after(async function () {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      await t?.close(this.currentTest?.state === 'failed');
    });

    it('refuses new uploads with 503 and a message saying what to do, stores nothing, and is not ready', async () => {
      const phase = await createPhaseWithCases(t, { caseNames: ['ATM_001'] });
      const team = await createTeam(t, phase.challengeId);
      const member = new Agent(baseUrl);
      await member.login(team.email);
      const mask = await writeMask(join(dir, 'ATM_001.nii.gz'));
      assert.equal((await member.get('/readyz')).status, 200);
      gate.drain();
      const refused = await member.upload(`/api/phases/${phase.phaseId}/submissions`, [mask]);
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error.code, 'UNAVAILABLE');
      assert.equal(refused.body.error.message, 'this server is shutting down and takes no new uploads; nothing was stored — send the upload again in a few seconds');
      assert.equal(refused.headers.get('retry-after'), '5');
      assert.equal(refused.headers.get('connection'), 'close');
      assert.equal((await t.db.query('select count(*)::int as n from submissions')).rows[0].n, 0);
      const ready = await member.get('/readyz');
      assert.equal(ready.status, 503);
      assert.match(ready.body.error.message, /^shutting down/);
      assert.equal((await member.get('/healthz')).status, 200, 'alive while draining');
      assert.equal((await member.get(`/api/phases/${phase.phaseId}/quota`)).status, 200, 'other requests are still served');
      assert.equal(await metric(baseUrl, 'carina_server_draining'), 1);
      assert.equal(await gate.idle(10), true);
    });
  });

  describe('a worker queue stopping past its grace (in-process)', () => {
    let t: TestApp;
    after(async function () {
      await t?.close(this.currentTest?.state === 'failed');
    });

    it('releases the job it could not finish back to the queue, for another worker', async () => {
      t = await createTestApp('graceful_release');
      // a worker whose grace (its EVALUATION_TIMEOUT_S) is 3 s, running a job that needs 30 s
      const worker = await startJobQueue(t.database.url, { timeoutS: 3, retries: 2, pollingIntervalS: 0.5 });
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      await worker.work('prepare-gold', async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 30_000).unref());
      });
      const jobId = await t.deps.queue.send('prepare-gold', { goldStandardId: 424242 });
      await running;
      const stopAt = Date.now();
      await worker.stop(true); // what worker-main does on SIGTERM
      const waitedMs = Date.now() - stopAt;
      assert.ok(waitedMs >= 2_900 && waitedMs < 8_000, `waited its grace for the job (${waitedMs} ms)`);
      const job = (await t.db.query('select state, output from pgboss.job where id = $1', [jobId])).rows[0];
      assert.equal(job.state, 'retry', 'released for another attempt, not left active until it expires');
      assert.match(JSON.stringify(job.output), /shut down while active/);
    });
  });

  describe('the server process (server/main.ts --server-only) @slow', () => {
    let t: TestApp;
    let child: ChildProcess | undefined;
    after(async function () {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await t?.close(this.currentTest?.state === 'failed');
    });

    it('finishes the upload in flight (202), answers a new one 503, then exits 0', async () => {
      t = await createTestApp('graceful_server');
      const phase = await createPhaseWithCases(t, { caseNames: ['ATM_001'] });
      const team = await createTeam(t, phase.challengeId);
      const token = (await team.member.post('/api/tokens', { name: 'graceful test' })).body.token as string;
      mkdirSync(join(dir, 'server'));
      const mask = readFileSync(await writeMask(join(dir, 'server', 'ATM_001.nii.gz')));

      child = spawnEntry(SERVER_MAIN, ['--server-only'], {
        DATABASE_URL: t.database.url,
        STORAGE_DIR: t.storageDir,
        PORT: '0',
        HOST: '127.0.0.1',
        SHUTDOWN_GRACE_S: '30',
      });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      const baseUrl = await waitFor('the server to listen', async () => /Carina is running at (http:\/\/\S+)/.exec(stdout)?.[1], 30_000, 50);
      const exit = exited(child);

      const inFlight = uploadInTwoHalves(`${baseUrl}/api/phases/${phase.phaseId}/submissions`, token, 'ATM_001.nii.gz', mask);
      await waitFor('the upload to be in flight', async () => (await metric(baseUrl, 'carina_uploads_in_flight')) === 1, 10_000, 20);
      child.kill('SIGTERM');
      await waitFor('draining', async () => (await fetch(`${baseUrl}/readyz`)).status === 503, 10_000, 20);

      const refused = await new Agent(baseUrl, token).upload(`/api/phases/${phase.phaseId}/submissions`, [join(dir, 'server', 'ATM_001.nii.gz')]);
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.error.code, 'UNAVAILABLE');
      assert.match(refused.body.error.message, /takes no new uploads; nothing was stored/);
      assert.equal(child.exitCode, null, 'still running while an upload is in flight');

      inFlight.finish();
      const accepted = await inFlight.reply;
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      assert.deepEqual(accepted.body.submission.cases, [{ case: 'ATM_001', file: 'ATM_001.nii.gz' }]);
      assert.deepEqual(await exit, { code: 0, signal: null });
      const submissions = (await t.db.query('select id, status from submissions')).rows;
      assert.deepEqual(submissions, [{ id: accepted.body.submission.id, status: 'queued' }], 'the accepted upload and nothing of the refused one');
      assert.equal((await t.db.query(`select count(*)::int as n from pgboss.job where name = 'evaluate-case'`)).rows[0].n, 1, 'its job was queued');
    });
  });

  describe('a worker process (server/worker-main.ts) @slow', function () {
    this.timeout(300_000);
    const pair = expectedPairs().find((p) => p.case === 'ATM_305')!;
    let t: TestApp;
    const children: ChildProcess[] = [];
    let phaseId: number;
    let challengeId: number;
    let caseId: number;

    const spawnWorker = (env: Record<string, string> = {}) => {
      const child = spawnEntry(WORKER_MAIN, [], { DATABASE_URL: t.database.url, STORAGE_DIR: t.storageDir, ...env });
      children.push(child);
      return child;
    };
    const evaluation = async (id: number) => (await t.db.query('select * from evaluations where id = $1', [id])).rows[0];
    const submit = async (name: string) => {
      const team = await rows.createTeam(t.deps, challengeId, name);
      return (await rows.createSubmission(t.deps, phaseId, team, [{ caseId, path: referencePath(pair.pred) }])).evaluationIds[0];
    };

    before(async () => {
      t = await createTestApp('graceful_worker');
      ({ challengeId, phaseId } = await rows.createPhase(t.deps));
      const created = await rows.createCase(t.deps, phaseId, 'ATM_305', referencePath(pair.gold));
      caseId = created.caseId;
      const preparer = spawnWorker();
      await waitFor('gold ready', async () => (await t.db.query(`select 1 from gold_standards where id = $1 and status = 'ready'`, [created.goldId])).rowCount, 240_000);
      preparer.kill('SIGTERM');
      assert.deepEqual(await exited(preparer), { code: 0, signal: null });
    });
    after(async function () {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(children.map(exited));
      await t?.close(this.currentTest?.state === 'failed');
    });

    it('SIGTERM mid-case: the worker finishes that case, takes no new job, and exits 0', async () => {
      const first = await submit('Drain A');
      const second = await submit('Drain B');
      const worker = spawnWorker();
      const running = await waitFor('a case running', async () => {
        for (const id of [first, second]) if ((await evaluation(id)).status === 'running') return id;
      }, 60_000, 5);
      const waiting = running === first ? second : first;
      const termAt = Date.now();
      worker.kill('SIGTERM');
      assert.notEqual((await evaluation(running)).status, 'done', 'the signal came too late to test anything');
      assert.deepEqual(await exited(worker), { code: 0, signal: null });
      const drainMs = Date.now() - termAt;
      const finished = await evaluation(running);
      assert.equal(finished.status, 'done', 'finished before the worker exited (no other worker runs)');
      assert.equal(finished.worker, `${hostname()}:${worker.pid}`);
      assert.equal(finished.attempts, 1);
      assert.equal(finished.metrics.TD, pair.TD);
      const untouched = await evaluation(waiting);
      assert.equal(untouched.status, 'queued', 'the draining worker took no new job');
      assert.equal(untouched.attempts, 0);
      process.stdout.write(`      worker drained one full-size case in ${drainMs} ms after SIGTERM\n`);

      const next = spawnWorker();
      const done = await waitFor('the waiting case scored by the next worker', async () => {
        const row = await evaluation(waiting);
        return row.status === 'done' && row;
      }, 120_000);
      assert.equal(done.worker, `${hostname()}:${next.pid}`);
      next.kill('SIGTERM');
      assert.deepEqual(await exited(next), { code: 0, signal: null });
    });
  });
});
