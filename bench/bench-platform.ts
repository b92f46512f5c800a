/**
 * `npm run bench:platform`: the platform under load on this machine, each part against a real server process,
 * a real worker process and a real (embedded) PostgreSQL on loopback:
 *  1. time from upload to leaderboard for a 10-case submission (real ATM'22 masks, 5 cases from each scan);
 *  2. leaderboard latency p50/p99 at 200 requests/s (open loop, 10 s) with 50 teams on the board;
 *  3. 20 concurrent uploads of 30 MB each: all stored, sha256 verified, the server's RSS sampled throughout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { writeVolume } from '../evaluator/index.ts';
import { startEmbeddedPostgres, freePort } from '../server/db/embedded-postgres.ts';
import { tokenIn, waitForOutboxMail } from '../test/helpers/mail.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CASES = fileURLToPath(new URL('../../shared/atm22/cases/', import.meta.url));
const ADMIN = { email: 'bench@carina.local', password: 'bench-password' };

interface Session {
  cookie: string;
  csrf: string;
}

async function call(base: string, session: Session | undefined, method: string, path: string, body?: unknown): Promise<any> {
  const headers: Record<string, string> = {};
  if (session) Object.assign(headers, { cookie: session.cookie, 'x-csrf-token': session.csrf });
  let payload: string | FormData | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(base + path, { method, headers, body: payload });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

async function login(base: string, path: string, body: unknown): Promise<Session> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status >= 400) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  const json = (await res.json()) as { csrfToken: string };
  return { cookie: /carina_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0], csrf: json.csrfToken };
}

function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startProcess(entry: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, entry), ...args], {
    env: { ...process.env, CARINA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function createPhase(base: string, admin: Session, slug: string, dailyLimit: number): Promise<number> {
  await call(base, admin, 'POST', '/api/challenges', { slug, title: slug, participationPolicy: 'auto' });
  const phase = await call(base, admin, 'POST', `/api/challenges/${slug}/phases`, {
    name: 'bench',
    kind: 'masks',
    opensAt: new Date(Date.now() - 3600_000).toISOString(),
    closesAt: new Date(Date.now() + 86400_000).toISOString(),
    dailyLimit,
    totalLimit: null,
    showCaseResults: true,
    ranking: { scheme: 'weighted', weights: { TD: 0.25, BD: 0.25, DSC: 0.25, Precision: 0.25 } },
    leaderboardPick: 'best',
  });
  return phase.phase.id;
}

async function uploadCase(base: string, admin: Session, phaseId: number, name: string, file: string, fileName: string): Promise<void> {
  const form = new FormData();
  form.append('name', name);
  const blob = new Blob([readFileSync(file)]);
  form.append('ct', blob, `${name}_0000${fileName}`);
  form.append('gold', blob, `${name}_label${fileName}`);
  await call(base, admin, 'POST', `/api/phases/${phaseId}/cases`, form);
}

let outboxDir = '';

async function newTeam(base: string, slug: string, n: number): Promise<Session> {
  // register (202, a verification link mailed to the outbox), then follow the link: the session starts there
  const email = `member${n}-${slug}@bench.local`;
  const registered = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'bench-password', displayName: `m${n}` }) });
  if (registered.status !== 202) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const token = tokenIn(await waitForOutboxMail(outboxDir, email, '/verify'), '/verify');
  const session = await login(base, '/api/auth/verify', { token });
  await call(base, session, 'POST', '/api/teams', { challenge: slug, name: `Team ${n}` });
  return session;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'carina-bench-'));
  chmodSync(work, 0o755);
  const database = await startEmbeddedPostgres(join(work, 'pg'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  outboxDir = join(work, 'data', 'outbox');
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: join(work, 'data'),
    STORAGE_DIR: join(work, 'storage'),
    PORT: String(port),
    CARINA_ORGANISER: `${ADMIN.email}:${ADMIN.password}`,
    SEED_DEMO: '0',
    // every bench team registers from 127.0.0.1
    REGISTRATIONS_PER_HOUR: '100000',
  };
  const server = startProcess('server/main.ts', ['--server-only'], env);
  const worker = startProcess('server/worker-main.ts', [], env);
  const results: Record<string, unknown> = {};
  try {
    await waitUntil('server up', async () => fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false), 60_000);
    const admin = await login(base, '/api/auth/login', ADMIN);

    // 1. a 10-case submission, upload to leaderboard
    const phase1 = await createPhase(base, admin, 'bench-ten', 100);
    const names = Array.from({ length: 10 }, (_, n) => `CASE_${String(n).padStart(2, '0')}`);
    for (let n = 0; n < 10; n++) await uploadCase(base, admin, phase1, names[n], join(CASES, n % 2 ? 'ATM_307' : 'ATM_305', 'gold.nii.gz'), '.nii.gz');
    const pg1 = new pg.Client({ connectionString: database.url });
    await pg1.connect();
    await waitUntil('gold standards ready', async () => (await pg1.query(`select count(*)::int as n from gold_standards where status = 'ready'`)).rows[0].n === 10);
    const team1 = await newTeam(base, 'bench-ten', 0);
    const form = new FormData();
    for (let n = 0; n < 10; n++) form.append('files', new Blob([readFileSync(join(CASES, n % 2 ? 'ATM_307' : 'ATM_305', 'pred_YangLab.nii.gz'))]), `${names[n]}.nii.gz`);
    const t0 = performance.now();
    const submitted = await call(base, team1, 'POST', `/api/phases/${phase1}/submissions`, form);
    const accepted = performance.now() - t0;
    await waitUntil('leaderboard', async () => (await call(base, undefined, 'GET', `/api/phases/${phase1}/leaderboard`)).entries.length === 1);
    const total = performance.now() - t0;
    results.tenCaseSubmission = { uploadAndValidationMs: Math.round(accepted), uploadToLeaderboardMs: Math.round(total), submissionId: submitted.submission.id };
    console.log(JSON.stringify({ tenCaseSubmission: results.tenCaseSubmission }));

    // 2. leaderboard latency at 200 req/s with 50 teams (rows made directly: scoring them all is not the point here)
    const { rows } = await pg1.query(`select challenge_id from phases where id = $1`, [phase1]);
    for (let n = 1; n < 50; n++) {
      const team = await pg1.query(
        `insert into teams (challenge_id, name, invite_code, captain_id, status) values ($1, $2, $3, (select id from users where email = $4), 'accepted') returning id`,
        [rows[0].challenge_id, `Load ${n}`, `load-${n}`, ADMIN.email],
      );
      const m = 80 + (n % 17);
      await pg1.query(
        `insert into submissions (phase_id, team_id, submitted_by, status, aggregate) values ($1, $2, (select id from users where email = $3), 'done', $4)`,
        [phase1, team.rows[0].id, ADMIN.email, { cases: 10, mean: { TD: m, BD: m - 3, DSC: 90, Precision: 95, Sensitivity: 90, Specificity: 99.9 }, std: { TD: 1, BD: 1, DSC: 1, Precision: 1, Sensitivity: 1, Specificity: 0 }, unroundedMean: { TD: m, BD: m - 3, DSC: 90, Precision: 95, Sensitivity: 90, Specificity: 99.9 } }],
      );
    }
    const latencies: number[] = [];
    const rate = 200;
    const seconds = 10;
    const inflight: Promise<void>[] = [];
    const start = performance.now();
    let errors = 0;
    for (let n = 0; n < rate * seconds; n++) {
      const due = start + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(
        fetch(`${base}/api/phases/${phase1}/leaderboard`).then(async (res) => {
          await res.arrayBuffer();
          if (!res.ok) errors++;
          latencies.push(performance.now() - due);
        }),
      );
    }
    await Promise.all(inflight);
    latencies.sort((a, b) => a - b);
    const achieved = (rate * seconds) / ((performance.now() - start) / 1000);
    results.leaderboard = { teams: 50, targetRps: rate, achievedRps: +achieved.toFixed(1), p50Ms: +percentile(latencies, 50).toFixed(1), p99Ms: +percentile(latencies, 99).toFixed(1), errors };
    console.log(JSON.stringify({ leaderboard: results.leaderboard }));

    // 3. 20 concurrent uploads of 30 MB each (uncompressed NIfTI on a 512x512x120 grid)
    const phase3 = await createPhase(base, admin, 'bench-upload', 100);
    const size: [number, number, number] = [512, 512, 120];
    const ref = join(work, 'ref.nii');
    const data = new Uint8Array(size[0] * size[1] * size[2]);
    for (let z = 40; z < 80; z++) for (let y = 200; y < 240; y++) for (let x = 200; x < 240; x++) data[x + 512 * (y + 512 * z)] = 1;
    await writeVolume(ref, { size, spacing: [0.7, 0.7, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], componentType: 'uint8', data }, false);
    await uploadCase(base, admin, phase3, 'BIG', ref, '.nii');
    const uploadsDir = join(work, 'uploads');
    mkdirSync(uploadsDir);
    const files: Array<{ path: string; sha: string }> = [];
    for (let n = 0; n < 20; n++) {
      const bytes = readFileSync(ref);
      // make each file distinct (a voxel more) so content addressing cannot merge them
      bytes[bytes.length - 1 - n] = 1;
      const path = join(uploadsDir, `u${n}.nii`);
      writeFileSync(path, bytes);
      files.push({ path, sha: createHash('sha256').update(bytes).digest('hex') });
    }
    const teams: Session[] = [];
    for (let n = 0; n < 20; n++) teams.push(await newTeam(base, 'bench-upload', n + 100));
    const pid = server.pid!;
    const baseline = rssMB(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMB(pid));
    }, 20);
    const uploadStart = performance.now();
    const responses = await Promise.all(
      files.map(async (file, n) => {
        const { openAsBlob } = await import('node:fs');
        const f = new FormData();
        f.append('files', await openAsBlob(file.path), 'BIG.nii');
        return call(base, teams[n], 'POST', `/api/phases/${phase3}/submissions`, f);
      }),
    );
    const uploadMs = performance.now() - uploadStart;
    clearInterval(sampler);
    const stored = await pg1.query(
      `select f.sha256 from submission_files f join submissions s on s.id = f.submission_id where s.phase_id = $1`,
      [phase3],
    );
    const storedShas = new Set(stored.rows.map((r) => r.sha256));
    const verified = files.filter((f) => storedShas.has(f.sha)).length;
    results.concurrentUploads = {
      uploads: 20,
      mbEach: +(readFileSync(ref).length / 2 ** 20).toFixed(1),
      accepted: responses.filter((r) => r.submission?.id).length,
      checksumsVerified: verified,
      wallMs: Math.round(uploadMs),
      serverRssBaselineMB: Math.round(baseline),
      serverRssPeakMB: Math.round(peak),
      serverRssAfterMB: Math.round(rssMB(pid)),
    };
    console.log(JSON.stringify({ concurrentUploads: results.concurrentUploads }));
    await pg1.end();
    mkdirSync(join(ROOT, 'bench-out'), { recursive: true });
    writeFileSync(join(ROOT, 'bench-out', 'platform.json'), JSON.stringify(results, null, 1) + '\n');
  } finally {
    server.kill('SIGTERM');
    worker.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await database.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

