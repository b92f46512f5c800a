/**
 * `npm run bench:download-throttle` — what the release download throttle adds to a request, before (per server
 * process: rate-limiter-flexible's memory limiter and a Map of running transfers, the code until migration 0017)
 * and after (over every process, in PostgreSQL: the rate_limits counter and a lease in download_leases), side by
 * side in one run against the embedded PostgreSQL (fsync on), on loopback:
 *   1. the throttle alone: acquire (before the first byte) and free (after the last, before the access log) of
 *      one slot, one request at a time and 16 at once over 50 teams (one server's pool of 10 connections);
 *   2. a whole download request: a 10-byte Range GET of a release file through the real HTTP server and its access
 *      decision and log, measured by the client, in alternating rounds with the previous throttle swapped in for the
 *      baseline (DownloadThrottle.prototype.acquire replaced for those rounds).
 * Figures (median, p95, p99 in ms) go to bench-out/download-throttle.json and stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../server/errors.ts';
import { DownloadThrottle } from '../server/releases/download-throttle.ts';
import { stopTestPostgres } from '../test/helpers/database.ts';
import { apiToken } from '../test/helpers/release-fixtures.ts';
import { createPhaseWithCases, createTeam } from '../test/helpers/submission-fixtures.ts';
import { createTestApp } from '../test/helpers/test-app.ts';

process.env.CARINA_LOG_LEVEL ??= 'warn';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TEAMS = 50;
const ROUNDS = 10;
const PER_ROUND = 100;
const NO_HEADERS = { setHeader: () => undefined } as unknown as Response;

/** The throttle as it was: per process, in memory (server/releases/download-throttle.ts before 0017). */
class PerProcessThrottle {
  private readonly active = new Map<string, number>();
  private readonly limiter: RateLimiterMemory;
  constructor(private readonly concurrent: number, perMinute: number) {
    this.limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  }
  async acquire(key: string, res: Response): Promise<() => Promise<void>> {
    try {
      await this.limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(error.msBeforeNext / 1000))));
      throw new AppError('RATE_LIMITED', 'too many download requests for this team');
    }
    const running = this.active.get(key) ?? 0;
    if (running >= this.concurrent) throw new AppError('RATE_LIMITED', 'this team already has downloads running');
    this.active.set(key, running + 1);
    let freed = false;
    return async () => {
      if (freed) return;
      freed = true;
      const left = (this.active.get(key) ?? 1) - 1;
      if (left <= 0) this.active.delete(key);
      else this.active.set(key, left);
    };
  }
}

interface Acquirer {
  acquire(key: string, res: Response): Promise<() => Promise<void>>;
}

const ms = (samples: number[]) => {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(3));
  return { n: sorted.length, medianMs: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
};

interface Samples {
  /** Before the first byte: the request waits for it. */
  acquire: number[];
  /** After the last byte, before the access log is written. */
  free: number[];
}

/** acquire, then free, `parallel` requests at once, for `count` requests; the latency of each step. */
async function throttleRound(throttle: Acquirer, count: number, parallel: number, round: number, into: Samples): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const started = performance.now();
      const free = await throttle.acquire(`team:${(round * count + i) % TEAMS}`, NO_HEADERS);
      const acquired = performance.now();
      await free();
      into.acquire.push(acquired - started);
      into.free.push(performance.now() - acquired);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}

async function main(): Promise<void> {
  const limits = { DOWNLOADS_PER_TEAM: '16', DOWNLOAD_REQUESTS_PER_MINUTE: '1000000' };
  const t = await createTestApp('bench_download_throttle', limits);
  const results: Record<string, unknown> = { date: new Date().toISOString(), cores: cpus().length, loadAverageAtStart: loadavg()[0] };
  try {
    // 1. the throttle alone, the two implementations in alternating rounds
    const before = new PerProcessThrottle(16, 1_000_000);
    const after = new DownloadThrottle(t.deps);
    for (const parallel of [1, 16]) {
      const samples = { before: { acquire: [], free: [] } as Samples, after: { acquire: [], free: [] } as Samples };
      await throttleRound(after, PER_ROUND, parallel, 0, { acquire: [], free: [] }); // warm-up: connections, plans
      for (let round = 0; round < ROUNDS; round++) {
        await throttleRound(before, PER_ROUND, parallel, round, samples.before);
        await throttleRound(after, PER_ROUND, parallel, round, samples.after);
      }
      const key = parallel === 1 ? 'throttleSequential' : 'throttle16AtOnce';
      results[key] = {
        acquire: { perProcessMemory: ms(samples.before.acquire), postgres: ms(samples.after.acquire) },
        free: { perProcessMemory: ms(samples.before.free), postgres: ms(samples.after.free) },
      };
      console.log(JSON.stringify({ [key]: results[key] }));
    }

    // 2. whole requests through the server, the previous throttle swapped in for the baseline's rounds
    const fx = await createPhaseWithCases(t, { caseNames: ['A'] });
    const team = await createTeam(t, fx.challengeId);
    const token = await apiToken(team.member);
    const release = (await fx.organiser.post(`/api/challenges/${fx.slug}/releases`, { kind: 'training', name: 'Bench', opensAt: new Date(Date.now() - 60_000).toISOString() })).body.release;
    const local = join(t.deps.storage.scratchDir, 'small.bin');
    writeFileSync(local, Buffer.alloc(4096, 7));
    const file = (await fx.organiser.upload(`/api/releases/${release.id}/files`, [{ path: local, name: 'small.bin' }])).body.release.files[0];
    const url = `${t.baseUrl}/api/releases/${release.id}/files/${file.id}`;
    const get = async () => {
      const started = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, range: 'bytes=0-9' } });
      await res.arrayBuffer();
      if (res.status !== 206) throw new Error(`download: ${res.status}`);
      return performance.now() - started;
    };
    const postgresAcquire = DownloadThrottle.prototype.acquire;
    const perProcess = new PerProcessThrottle(16, 1_000_000);
    const memoryAcquire = (_self: unknown, key: string, res: Response) => perProcess.acquire(key, res);
    const samples = { before: [] as number[], after: [] as number[] };
    for (let i = 0; i < 50; i++) await get(); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      DownloadThrottle.prototype.acquire = function (this: DownloadThrottle, key: string, res: Response) {
        return memoryAcquire(this, key, res);
      };
      for (let i = 0; i < PER_ROUND / 2; i++) samples.before.push(await get());
      DownloadThrottle.prototype.acquire = postgresAcquire;
      for (let i = 0; i < PER_ROUND / 2; i++) samples.after.push(await get());
    }
    // the server logs each transfer after its last byte: let the last ones land before closing
    const expected = 50 + ROUNDS * PER_ROUND;
    for (let tries = 0; (await t.db.query('select count(*)::int as n from release_access_log')).rows[0].n < expected; tries++) {
      if (tries > 100) throw new Error('the access log never caught up');
      await new Promise((r) => setTimeout(r, 50));
    }
    results.wholeRequest = { perProcessMemory: ms(samples.before), postgres: ms(samples.after) };
    console.log(JSON.stringify({ wholeRequest: results.wholeRequest }));
    results.loadAverageAtEnd = loadavg()[0];
    mkdirSync(join(ROOT, 'bench-out'), { recursive: true });
    writeFileSync(join(ROOT, 'bench-out', 'download-throttle.json'), JSON.stringify(results, null, 1) + '\n');
  } finally {
    await t.close();
    await stopTestPostgres();
  }
}

await main();
