/**
 * `npm run bench:downloads` — release downloads on loopback, against a server process (server/main.ts) and the
 * embedded PostgreSQL, with the server's RSS sampled every 20 ms (/proc/<pid>/status):
 *   1. one 2 GiB file, by one team (MB/s, RSS growth), side by side with a baseline process that pipes
 *      fs.createReadStream to the socket (no auth, no Range, no log): the cost of Carina's path;
 *   2. the same file downloaded by ten teams at once, each sha256 verified;
 *   3. a release of 20 files × 100 MB as one zip streamed on the fly: MB/s, RSS growth, and no temporary file
 *      (the storage's scratch folder and the system's temp folder are watched during the transfer).
 * The data is generated in a temporary folder (a 16 MiB random block repeated) and removed afterwards; the blobs
 * are placed in the server's storage directly and listed in the release by SQL (the bench measures downloads).
 * Figures go to bench-out/downloads.json and stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { tokenIn, waitForOutboxMail } from '../test/helpers/mail.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ADMIN = { email: 'bench@carina.local', password: 'bench-password' };
const GIB = 2 ** 30;
const MB = 1e6;

function rssMB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/** Samples a process's RSS until stopped: the baseline before and the peak during. */
function rssWatch(pid: number) {
  const baseline = rssMB(pid);
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, rssMB(pid))), 20);
  return {
    stop: () => {
      clearInterval(timer);
      return { baselineMB: Math.round(baseline), peakMB: Math.round(peak), growthMB: Math.round(peak - baseline) };
    },
  };
}

/** A file of `bytes` made of one random 16 MiB block repeated; returns its sha256. */
async function writeData(path: string, bytes: number): Promise<string> {
  const block = randomBytes(16 * 2 ** 20);
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let written = 0; written < bytes; ) {
    const chunk = block.subarray(0, Math.min(block.length, bytes - written));
    // vary each block a little so no two are identical
    chunk.writeUInt32LE(written / block.length, 0);
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    written += chunk.length;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

/** Downloads a URL, counting (and optionally hashing) the bytes without keeping them. */
function download(url: string, token: string | undefined, hash: boolean): Promise<{ bytes: number; ms: number; sha256?: string; status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    get(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const digest = hash ? createHash('sha256') : undefined;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        digest?.update(chunk);
      });
      res.on('end', () => resolve({ bytes, ms: performance.now() - started, sha256: digest?.digest('hex'), status: res.statusCode ?? 0 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function call(base: string, method: string, path: string, body: unknown, auth: { cookie?: string; csrf?: string; token?: string } = {}): Promise<any> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth.cookie) Object.assign(headers, { cookie: auth.cookie, 'x-csrf-token': auth.csrf });
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { body: text ? JSON.parse(text) : {}, headers: res.headers };
}

async function signIn(base: string, path: string, body: unknown): Promise<{ cookie: string; csrf: string }> {
  const reply = await call(base, 'POST', path, body);
  return { cookie: /carina_session=[^;]+/.exec(reply.headers.get('set-cookie') ?? '')![0], csrf: reply.body.csrfToken };
}

function startServer(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/main.ts'), '--server-only'], {
    env: { ...process.env, CARINA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** The baseline: a bare HTTP server piping fs.createReadStream to the socket, in its own process. */
function startBaseline(path: string, port: number): ChildProcess {
  const code = `require('node:http').createServer((q, s) => { s.setHeader('content-length', require('node:fs').statSync(${JSON.stringify(path)}).size); require('node:fs').createReadStream(${JSON.stringify(path)}).pipe(s); }).listen(${port}, '127.0.0.1');`;
  return spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered`);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'carina-bench-downloads-'));
  const storage = join(work, 'storage');
  const database = await startEmbeddedPostgres(join(work, 'pg'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const outboxDir = join(work, 'data', 'outbox');
  const server = startServer({ DATABASE_URL: database.url, DATA_DIR: join(work, 'data'), STORAGE_DIR: storage, PORT: String(port), CARINA_ORGANISER: `${ADMIN.email}:${ADMIN.password}`, SEED_DEMO: '0', DOWNLOAD_REQUESTS_PER_MINUTE: '100000' });
  const baselinePort = await freePort();
  let baseline: ChildProcess | undefined;
  const os = await import('node:os');
  const results: Record<string, unknown> = { date: new Date().toISOString(), cores: os.cpus().length, loadAverageAtStart: os.loadavg()[0] };
  try {
    await waitFor(`${base}/readyz`);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const admin = await signIn(base, '/api/auth/login', ADMIN);
    await call(base, 'POST', '/api/challenges', { slug: 'bench-data', title: 'bench', participationPolicy: 'auto' }, admin);
    const release = (await call(base, 'POST', '/api/challenges/bench-data/releases', { kind: 'training', name: 'Big', opensAt: new Date(Date.now() - 60_000).toISOString() }, admin)).body.release;
    const archive = (await call(base, 'POST', '/api/challenges/bench-data/releases', { kind: 'training', name: 'Twenty', opensAt: new Date(Date.now() - 60_000).toISOString() }, admin)).body.release;

    // the data, generated into the server's storage (content-addressed) and listed by SQL
    const place = async (releaseId: number, name: string, bytes: number) => {
      const temp = join(work, `gen-${name}`);
      const sha256 = await writeData(temp, bytes);
      mkdirSync(join(storage, 'blobs', sha256.slice(0, 2)), { recursive: true });
      renameSync(temp, join(storage, 'blobs', sha256.slice(0, 2), sha256));
      await db.query('insert into blobs (sha256, size_bytes) values ($1, $2) on conflict do nothing', [sha256, bytes]);
      const id = (await db.query(`insert into release_files (release_id, name, sha256, size_bytes, role) values ($1, $2, $3, $4, 'ct') returning id`, [releaseId, name, sha256, bytes])).rows[0].id;
      return { id: Number(id), sha256, path: join(storage, 'blobs', sha256.slice(0, 2), sha256) };
    };
    const genStart = performance.now();
    const big = await place(release.id, 'big.nii.gz', 2 * GIB);
    for (let n = 1; n <= 20; n++) await place(archive.id, `case_${String(n).padStart(3, '0')}.nii.gz`, 100 * MB);
    console.error(`bench-downloads: data generated in ${Math.round(performance.now() - genStart)} ms`);

    // ten teams with a member and an API token each
    const tokens: string[] = [];
    for (let n = 0; n < 10; n++) {
      // register (202, a verification link mailed to the outbox), then follow the link: the session starts there
      const email = `team${n}@bench.local`;
      await call(base, 'POST', '/api/auth/register', { email, password: 'bench-password', displayName: `team ${n}` });
      const member = await signIn(base, '/api/auth/verify', { token: tokenIn(await waitForOutboxMail(outboxDir, email, '/verify'), '/verify') });
      await call(base, 'POST', '/api/teams', { challenge: 'bench-data', name: `team ${n}` }, member);
      tokens.push((await call(base, 'POST', '/api/tokens', { name: 'bench' }, member)).body.token);
    }
    const fileUrl = `${base}/api/releases/${release.id}/files/${big.id}`;
    const pid = server.pid!;
    await download(`${base}/api/releases/${archive.id}/files/${(await db.query('select id from release_files where release_id = $1 limit 1', [archive.id])).rows[0].id}`, tokens[0], false); // warm-up

    // 1. one 2 GiB file, one team, then the baseline process
    let watch = rssWatch(pid);
    const single = await download(fileUrl, tokens[0], false);
    results.single = { status: single.status, bytes: single.bytes, ms: Math.round(single.ms), mbPerS: Math.round(single.bytes / MB / (single.ms / 1000)), serverRss: watch.stop() };
    console.log(JSON.stringify({ single: results.single }));
    baseline = startBaseline(big.path, baselinePort);
    await waitFor(`http://127.0.0.1:${baselinePort}/`);
    watch = rssWatch(baseline.pid!);
    const plain = await download(`http://127.0.0.1:${baselinePort}/`, undefined, false);
    results.baseline = { bytes: plain.bytes, ms: Math.round(plain.ms), mbPerS: Math.round(plain.bytes / MB / (plain.ms / 1000)), rss: watch.stop() };
    console.log(JSON.stringify({ baseline: results.baseline }));
    baseline.kill('SIGTERM');
    baseline = undefined;

    // 2. ten teams at once, each hashed
    watch = rssWatch(pid);
    const started = performance.now();
    const ten = await Promise.all(tokens.map((token) => download(fileUrl, token, true)));
    const tenMs = performance.now() - started;
    results.tenTeams = {
      downloads: ten.length,
      complete: ten.filter((d) => d.status === 200 && d.bytes === 2 * GIB).length,
      sha256Verified: ten.filter((d) => d.sha256 === big.sha256).length,
      ms: Math.round(tenMs),
      aggregateMbPerS: Math.round((ten.reduce((s, d) => s + d.bytes, 0) / MB) / (tenMs / 1000)),
      serverRss: watch.stop(),
    };
    console.log(JSON.stringify({ tenTeams: results.tenTeams }));

    // 3. the 20 × 100 MB release as one zip, watching for temporary files
    // a temporary file would show in the scratch folder or among the server's open files (anything but the
    // blobs it reads, sockets, pipes and its own modules)
    const scratch = join(storage, 'tmp');
    const openFiles = () =>
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return readlinkSync(`/proc/${pid}/fd/${fd}`);
          } catch {
            return '';
          }
        })
        .filter((target) => target.startsWith('/') && !target.startsWith(join(storage, 'blobs')) && !target.startsWith('/dev/') && !target.startsWith('/proc/') && !target.endsWith('.js') && !target.endsWith('.ts'));
    const scratchBefore = new Set(readdirSync(scratch, { recursive: true }).map(String));
    const openBefore = new Set(openFiles());
    const seen = new Set<string>();
    const tempTimer = setInterval(() => {
      for (const f of readdirSync(scratch, { recursive: true }).map(String)) if (!scratchBefore.has(f)) seen.add(join(scratch, f));
      for (const f of openFiles()) if (!openBefore.has(f)) seen.add(f);
    }, 20);
    watch = rssWatch(pid);
    const zip = await download(`${base}/api/releases/${archive.id}/archive.zip`, tokens[1], false);
    const zipRss = watch.stop();
    clearInterval(tempTimer);
    const newTemp = [...seen];
    results.archive = { status: zip.status, files: 20, bytes: zip.bytes, payloadBytes: 20 * 100 * MB, ms: Math.round(zip.ms), mbPerS: Math.round(zip.bytes / MB / (zip.ms / 1000)), serverRss: zipRss, newTemporaryFiles: newTemp };
    console.log(JSON.stringify({ archive: results.archive }));
    results.loadAverageAtEnd = os.loadavg()[0];
    await db.end();
    mkdirSync(join(ROOT, 'bench-out'), { recursive: true });
    writeFileSync(join(ROOT, 'bench-out', 'downloads.json'), JSON.stringify(results, null, 1) + '\n');
  } finally {
    baseline?.kill('SIGTERM');
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await database.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
