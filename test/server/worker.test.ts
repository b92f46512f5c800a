/**
 * @slow The evaluator worker on real ATM'22 masks through the real queue: gold preparation, scoring equal to
 * the official outputs, team-fault failures, a worker killed mid-case, and two workers sharing one queue.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OFFICIAL_KEYS } from '../../evaluator/cli.ts';
import { startWorker } from '../../server/worker/worker.ts';
import { expectedPairs, referencePath } from '../helpers/reference-cases.ts';
import { createCase, createPhase, createSubmission, createTeam, waitFor } from '../helpers/platform-rows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const pairs = expectedPairs().filter((p) => p.case === 'ATM_305');
const WORKER_MAIN = fileURLToPath(new URL('../../server/worker-main.ts', import.meta.url));

function spawnWorker(t: TestApp, env: Record<string, string> = {}): ChildProcess {
  return fork(WORKER_MAIN, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: t.database.url, STORAGE_DIR: t.storageDir, CARINA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** A worker process, once it polls the queue (its "worker started" line); its warnings still reach stderr. */
async function startedWorker(t: TestApp): Promise<ChildProcess> {
  const child = fork(WORKER_MAIN, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: t.database.url, STORAGE_DIR: t.storageDir, CARINA_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    let pending = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"worker started"')) resolve();
        else if (!line.includes('"level":"info"')) process.stderr.write(`${line}\n`);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it started`)));
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function evaluationRow(t: TestApp, id: number) {
  return (await t.db.query('select * from evaluations where id = $1', [id])).rows[0];
}

describe('evaluator worker @slow', function () {
  this.timeout(240_000);

  describe('in-process, through the queue', () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp('worker');
      await startWorker(t.deps);
    });
    after(async function () {
      await t.close(this.currentTest?.state === 'failed');
    });

    it('prepares the gold standard once and scores every prediction exactly as the official code', async () => {
      const { challengeId, phaseId } = await createPhase(t.deps);
      const { caseId, goldId } = await createCase(t.deps, phaseId, 'ATM_305', referencePath(pairs[0].gold));
      const team = await createTeam(t.deps, challengeId, 'Parity');
      const submissions = [];
      for (const pair of pairs) submissions.push(await createSubmission(t.deps, phaseId, team, [{ caseId, path: referencePath(pair.pred) }]));
      const gold = await waitFor('gold ready', async () => {
        const row = (await t.db.query('select * from gold_standards where id = $1', [goldId])).rows[0];
        return row.status === 'ready' && row;
      });
      assert.equal(gold.summary.branches_total, 218);
      assert.equal(gold.is_current, true);
      for (let n = 0; n < pairs.length; n++) {
        const id: number = submissions[n].evaluationIds[0];
        const row: Record<string, any> = await waitFor(`evaluation ${id}`, async () => {
          const r = await evaluationRow(t, id);
          return (r.status === 'done' || r.status === 'failed') && r;
        });
        assert.equal(row.status, 'done', row.error_message);
        for (const key of OFFICIAL_KEYS) assert.equal(row.metrics[key], pairs[n][key], `${pairs[n].pred}: ${key}`);
        assert.equal(row.provenance.goldVersion, 1);
        assert.match(row.provenance.predSha256, /^[0-9a-f]{64}$/);
        assert.equal(row.attempts, 1);
        const submission: Record<string, any> = (await t.db.query('select * from submissions where id = $1', [submissions[n].submissionId])).rows[0];
        assert.equal(submission.status, 'done');
        assert.equal(submission.aggregate.cases, 1);
        assert.equal(submission.aggregate.mean.TD, pairs[n].TD);
        assert.ok(submission.finished_at);
      }
    });

    it('fails a prediction on the wrong grid as the team\'s fault, naming the case and both sizes', async () => {
      const { challengeId, phaseId } = await createPhase(t.deps);
      const { caseId } = await createCase(t.deps, phaseId, 'ATM_305', referencePath(pairs[0].gold));
      const team = await createTeam(t.deps, challengeId, 'Wrong grid');
      const wrong = expectedPairs().find((p) => p.case === 'ATM_307')!;
      const { submissionId, evaluationIds } = await createSubmission(t.deps, phaseId, team, [{ caseId, path: referencePath(wrong.pred) }]);
      const row = await waitFor('failure', async () => {
        const r = await evaluationRow(t, evaluationIds[0]);
        return r.status === 'failed' && r;
      });
      assert.equal(row.error_owner, 'team');
      assert.equal(row.error_code, 'GEOMETRY_MISMATCH');
      assert.match(row.error_message, /case ATM_305/);
      assert.match(row.error_message, /512x512x382 does not match the gold standard's 512x512x388/);
      const submission = (await t.db.query('select * from submissions where id = $1', [submissionId])).rows[0];
      assert.equal(submission.status, 'failed');
      assert.equal(submission.counts_toward_quota, true);
    });
  });

  describe('worker processes', () => {
    let t: TestApp;
    const children: ChildProcess[] = [];
    before(async () => {
      t = await createTestApp('workers', { EVALUATION_TIMEOUT_S: '6', QUEUE_MAINTENANCE_S: '1' });
    });
    after(async function () {
      await Promise.all(children.map(stopWorker));
      await t.close(this.currentTest?.state === 'failed');
    });

    it('a worker killed mid-case loses nothing: the job runs again elsewhere with the same result', async () => {
      const { challengeId, phaseId } = await createPhase(t.deps);
      const { caseId, goldId } = await createCase(t.deps, phaseId, 'ATM_305', referencePath(pairs[0].gold));
      const team = await createTeam(t.deps, challengeId, 'Crash');
      const first = spawnWorker(t);
      children.push(first);
      await waitFor('gold ready', async () => (await t.db.query(`select 1 from gold_standards where id = $1 and status = 'ready'`, [goldId])).rowCount);
      const { evaluationIds } = await createSubmission(t.deps, phaseId, team, [{ caseId, path: referencePath(pairs[0].pred) }]);
      await waitFor('running', async () => (await evaluationRow(t, evaluationIds[0])).status === 'running', 60_000, 5);
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
      assert.notEqual((await evaluationRow(t, evaluationIds[0])).status, 'done', 'the kill came too late to test anything');
      const second = spawnWorker(t);
      children.push(second);
      const row = await waitFor('rerun done', async () => {
        const r = await evaluationRow(t, evaluationIds[0]);
        return r.status === 'done' && r;
      }, 120_000);
      assert.ok(row.attempts >= 2, `attempts ${row.attempts}`);
      for (const key of OFFICIAL_KEYS) assert.equal(row.metrics[key], pairs[0][key], key);
    });

    it('two workers share one queue without evaluating a case twice', async () => {
      const { challengeId, phaseId } = await createPhase(t.deps);
      const { caseId, goldId } = await createCase(t.deps, phaseId, 'ATM_305', referencePath(pairs[0].gold));
      if (!children.some((c) => c.exitCode === null && c.signalCode === null)) children.push(spawnWorker(t));
      await waitFor('gold ready', async () => (await t.db.query(`select 1 from gold_standards where id = $1 and status = 'ready'`, [goldId])).rowCount);
      // two fresh workers, both polling before the cases arrive in one burst: a case scores in ~0.1 s now, so a
      // worker that starts late could otherwise find the queue already empty
      await Promise.all(children.map(stopWorker));
      children.push(...(await Promise.all([startedWorker(t), startedWorker(t)])));
      const teams = [];
      for (let n = 0; n < 16; n++) teams.push(await createTeam(t.deps, challengeId, `Team ${n}`));
      const ids: number[] = [];
      for (const [n, team] of teams.entries()) {
        ids.push(...(await createSubmission(t.deps, phaseId, team, [{ caseId, path: referencePath(pairs[n % pairs.length].pred) }])).evaluationIds);
      }
      await waitFor('all done', async () => {
        const r = await t.db.query(`select count(*)::int as n from evaluations where id = any($1) and status = 'done'`, [ids]);
        return r.rows[0].n === ids.length;
      }, 180_000);
      const rows = (await t.db.query('select attempts, worker from evaluations where id = any($1)', [ids])).rows;
      assert.ok(rows.every((r) => r.attempts === 1), 'every case scored exactly once');
      assert.equal(new Set(rows.map((r) => r.worker)).size, 2, 'both workers took jobs');
    });
  });
});
