/**
 * @slow PostgreSQL restarts in the middle of a run: a server process and two worker processes are scoring real
 * ATM'22 masks when the database goes down (fast shutdown: every connection terminated) for 3 s and comes back on
 * the same address. The server answers 503 on /readyz while the database is away and serves again afterwards;
 * every evaluation ends done with the official metrics; nothing is lost, nothing is doubled.
 *
 * The workers run supervised, as `npm start` and docker-compose run them (restarted when they exit). Today a
 * worker process dies when the database goes away under it (an 'error' event of a checked-out pg client with no
 * listener, and pg-boss 10's un-awaited job completion: timgit/pg-boss#577); the supervisor restarts it and the
 * queue reruns the job, so nothing is lost. The pending test below asserts they survive; it needs the two small
 * fixes described in its body (server/db/pool.ts, server/worker-main.ts), verified to make it pass.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFICIAL_KEYS } from '../../evaluator/cli.ts';
import type { AppDeps } from '../../server/app-deps.ts';
import { loadConfig } from '../../server/config.ts';
import { freePort } from '../../server/db/embedded-postgres.ts';
import { createPool } from '../../server/db/pool.ts';
import { startJobQueue, type JobQueue } from '../../server/jobs/job-queue.ts';
import { LocalStorage } from '../../server/storage/local-storage.ts';
import { createCase, createPhase, createSubmission, createTeam, waitFor } from '../helpers/platform-rows.ts';
import { expectedPairs, referencePath } from '../helpers/reference-cases.ts';
import { Agent } from '../helpers/test-app.ts';
import { spawnServer, stopProcess, SupervisedWorker, type Spawned } from './processes.ts';
import { startRestartablePostgres, type RestartablePostgres } from './restartable-postgres.ts';

describe('PostgreSQL restarted during a run @slow', function () {
  this.timeout(300_000);
  let dir: string;
  let postgres: RestartablePostgres;
  let deps: AppDeps;
  let queue: JobQueue;
  let server: Spawned;
  const workers: SupervisedWorker[] = [];
  let baseUrl: string;
  let workerCrashes = -1;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'carina-restart-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as the `postgres` user when the tests run as root
    postgres = await startRestartablePostgres(join(dir, 'postgres'));
    const url = await postgres.createDatabase('carina_restart');
    const storageDir = join(dir, 'storage');
    const env = { DATABASE_URL: url, STORAGE_DIR: storageDir, DATA_DIR: dir, EVALUATION_TIMEOUT_S: '10', QUEUE_MAINTENANCE_S: '1' };
    const port = await freePort();
    server = await spawnServer(port, env); // applies the migrations
    baseUrl = `http://127.0.0.1:${port}`;
    for (let n = 0; n < 2; n++) workers.push(new SupervisedWorker(env));
    const config = loadConfig({ ...env });
    queue = await startJobQueue(url, { timeoutS: 10, retries: 2, maintenanceIntervalS: 1 });
    deps = { config, db: createPool(url, 4), storage: await new LocalStorage(storageDir).init(), queue };
  });

  after(async () => {
    await Promise.all([...workers.map((w) => w.stop()), server && stopProcess(server)]);
    await queue?.stop(false).catch(() => undefined);
    await deps?.db.end().catch(() => undefined);
    await postgres?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('workers and server reconnect; every evaluation ends done with the official metrics', async () => {
    const pairs = expectedPairs();
    const { challengeId, phaseId } = await createPhase(deps);
    const caseIds: Record<string, number> = {};
    const goldIds: number[] = [];
    for (const name of [...new Set(pairs.map((p) => p.case))]) {
      const { caseId, goldId } = await createCase(deps, phaseId, name, referencePath(pairs.find((p) => p.case === name)!.gold));
      caseIds[name] = caseId;
      goldIds.push(goldId);
    }
    await waitFor('gold standards ready', async () => (await deps.db.query(`select count(*)::int as n from gold_standards where id = any($1) and status = 'ready'`, [goldIds])).rows[0].n === goldIds.length, 120_000);

    // 10 evaluations: every reference prediction of both cases, one team per prediction
    const expected = new Map<number, (typeof pairs)[number]>();
    for (const [n, pair] of pairs.entries()) {
      const team = await createTeam(deps, challengeId, `Team ${n}`);
      const { evaluationIds } = await createSubmission(deps, phaseId, team, [{ caseId: caseIds[pair.case], path: referencePath(pair.pred) }]);
      expected.set(evaluationIds[0], pair);
    }
    const ids = [...expected.keys()];
    const count = async (status: string) => (await deps.db.query(`select count(*)::int as n from evaluations where id = any($1) and status = $2`, [ids, status])).rows[0].n as number;

    // a participant with an API token, to submit through the server after the restart
    const participant = new Agent(baseUrl, undefined, deps.config.mailOutboxDir); // the server's outbox (same DATA_DIR)
    await participant.register(`restart-${process.pid}@example.org`);
    const userId = (await deps.db.query('select id from users where email = $1', [`restart-${process.pid}@example.org`])).rows[0].id;
    const teamId = (await deps.db.query(`insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, 'Late team', 'late-1', $2, 'accepted') returning id`, [challengeId, userId])).rows[0].id;
    await deps.db.query('insert into team_members (team_id, user_id, challenge_id) values ($1, $2, $3)', [teamId, userId, challengeId]);
    const token = (await participant.post('/api/tokens', { name: 'restart' })).body.token as string;

    await waitFor('the first case scored', async () => (await count('done')) >= 1, 120_000, 20);
    assert.ok((await count('done')) < ids.length, 'the restart must come while cases are still being scored');
    const doneBefore = await count('done');

    await postgres.stop();
    const readyWhileDown = await fetch(`${baseUrl}/readyz`);
    assert.equal(readyWhileDown.status, 503, '/readyz says the database is away');
    const boardWhileDown = await fetch(`${baseUrl}/api/phases/${phaseId}/leaderboard`);
    assert.ok(boardWhileDown.status >= 500, `a request that needs the database fails cleanly (${boardWhileDown.status})`);
    assert.ok((await fetch(`${baseUrl}/healthz`)).ok, 'the server process stays up');
    await new Promise((r) => setTimeout(r, 3000)); // the database stays away for a while
    await postgres.start();

    await waitFor('/readyz again', async () => (await fetch(`${baseUrl}/readyz`)).status === 200, 30_000, 200);
    const tokenAgent = new Agent(baseUrl, token);
    const late = ['ATM_305', 'ATM_307'].map((name) => pairs.find((p) => p.case === name)!);
    const upload = await tokenAgent.upload(`/api/phases/${phaseId}/submissions`, late.map((pair) => ({ path: referencePath(pair.pred), name: `${pair.case}.nii.gz` })));
    assert.equal(upload.status, 202, `an upload after the restart is accepted: ${upload.text}`);
    for (const row of (await deps.db.query('select e.id, c.name from evaluations e join cases c on c.id = e.case_id where e.submission_id = $1', [upload.body.submission.id])).rows) {
      expected.set(row.id, late.find((pair) => pair.case === row.name)!);
      ids.push(row.id);
    }

    await waitFor('every evaluation finished', async () => (await count('done')) + (await count('failed')) === ids.length, 120_000, 250).catch(async (error) => {
      const state = (await deps.db.query('select id, status, attempts, worker, error_message from evaluations where id = any($1) order by id', [ids])).rows;
      const jobs = (await deps.db.query(`select name, state, retry_count, count(*)::int as n from pgboss.job group by 1, 2, 3 order by 1, 2`)).rows;
      throw new Error(`${(error as Error).message}\n${JSON.stringify(state)}\n${JSON.stringify(jobs)}\nworker crashes: ${workers.flatMap((w) => w.crashes).join('\n---\n')}\nserver: ${server.stderr().slice(-2000)}`);
    });
    const rows = (await deps.db.query('select id, status, metrics, error_message, attempts, submission_id from evaluations where id = any($1)', [ids])).rows;
    for (const row of rows) {
      const pair = expected.get(row.id)!;
      assert.equal(row.status, 'done', `evaluation ${row.id} (${pair.pred}): ${row.error_message}`);
      for (const key of OFFICIAL_KEYS) assert.equal(row.metrics[key], pair[key], `${pair.pred}: ${key}`);
    }
    const submissions = (await deps.db.query('select status, aggregate from submissions where id = any($1)', [rows.map((r) => r.submission_id)])).rows;
    assert.ok(submissions.every((s) => s.status === 'done' && s.aggregate?.cases >= 1), 'every submission is done with its aggregate');
    assert.equal((await deps.db.query('select count(*)::int as n from evaluations where submission_id = any($1)', [rows.map((r) => r.submission_id)])).rows[0].n, ids.length, 'no evaluation doubled');
    assert.equal(server.exited(), false, `the server died with the database: ${server.stderr()}`);
    const retried = rows.filter((r) => r.attempts > 1).length;
    const crashes = workers.flatMap((w) => w.crashes);
    workerCrashes = crashes.length;
    process.stdout.write(`      (${doneBefore} of 10 done before the restart; ${retried} evaluation(s) needed another attempt; worker processes restarted after crashing: ${crashes.length})\n`);
    for (const crash of crashes) process.stdout.write(`      worker crash: ${crash.split('\n').find((line) => /error|Error/.test(line))?.trim()}\n`);
  });

  // Relies on server/db/pool.ts (checked-out clients swallow their connection's 'error') and server/worker-main.ts
  // (database-gone rejections that pg-boss 10 leaves unawaited are logged, not fatal).
  it('worker processes survive the restart without crashing', () => {
    assert.equal(workerCrashes, 0, 'worker processes crashed when the database restarted');
  });
});
