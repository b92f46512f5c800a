/**
 * Release download throttling over several server processes on one database: a team's transfers count against
 * DOWNLOADS_PER_TEAM whichever server carries them (its second download on the other server gets 429 while another
 * team is unaffected; a burst of takes gets exactly the limit), the per-minute limit counts the requests of both servers, and the slot of a server that is
 * killed mid-transfer (SIGKILL: no cleanup) frees itself once its lease lapses (DOWNLOAD_LEASE_EXPIRY_S), having
 * been renewed as long as the server lived. A renewal reports as lapsed only leases still held, not one whose
 * transfer ended (and whose row went) while the renewal was on its way.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHousekeeping } from '../../server/housekeeping.ts';
import { createPool } from '../../server/db/pool.ts';
import { DownloadLeases } from '../../server/releases/download-leases.ts';
import { waitFor } from '../helpers/platform-rows.ts';
import { apiToken, rawGet } from '../helpers/release-fixtures.ts';
import { createPhaseWithCases, createTeam, type PhaseFixture } from '../helpers/submission-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const SERVER_MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
const LIMITS = { DOWNLOADS_PER_TEAM: '1', DOWNLOAD_REQUESTS_PER_MINUTE: '6' };
const LEASE_EXPIRY_S = 2;

interface LiveLease {
  lease_id: string;
  server_instance: string;
  started_at: Date;
  expires_at: Date;
  live: boolean;
}

describe('release download throttling over two server processes', function () {
  this.timeout(120_000);
  let a: TestApp;
  let b: TestApp;
  let fx: PhaseFixture;
  let path: string;
  let fileId: number;
  let dataDir: string | undefined;
  let child: ChildProcess | undefined;

  /** A team with a member's API token. */
  const team = async () => {
    const created = await createTeam(a, fx.challengeId);
    return { ...created, token: await apiToken(created.member) };
  };
  /** Waits until the server has logged `n` transfers of the team (it frees a transfer's slot before logging it). */
  const logged = (teamId: number, n: number) =>
    waitFor(`${n} transfers of team ${teamId} in the access log`, async () =>
      ((await a.db.query<{ n: number }>('select count(*)::int as n from release_access_log where file_id = $1 and team_id = $2', [fileId, teamId])).rows[0].n >= n), 10_000);
  const leasesOf = async (teamId: number) =>
    (await a.db.query<LiveLease>(`select *, expires_at > now() as live from download_leases where team_key = $1 order by started_at`, [`team:${teamId}`])).rows;

  before(async () => {
    a = await createTestApp('release_two_servers', LIMITS);
    b = await createTestApp('release_two_servers_b', LIMITS, { secondServerOf: a });
    fx = await createPhaseWithCases(a, { caseNames: ['A'] });
    const created = await fx.organiser.post(`/api/challenges/${fx.slug}/releases`, { kind: 'training', name: 'Training', opensAt: new Date(Date.now() - 60_000).toISOString() });
    const releaseId = created.body.release.id as number;
    // large enough that a transfer nobody reads stays in flight (the socket buffers fill, the stream waits)
    const local = join(a.deps.storage.scratchDir, 'large.bin');
    writeFileSync(local, randomBytes(32 * 1024 * 1024));
    const uploaded = await fx.organiser.upload(`/api/releases/${releaseId}/files`, [{ path: local, name: 'large.bin' }]);
    assert.equal(uploaded.status, 201, uploaded.text);
    fileId = uploaded.body.release.files[0].id as number;
    path = `/api/releases/${releaseId}/files/${fileId}`;
  });
  after(async function () {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await b?.close();
    await a?.close(this.currentTest?.state === 'failed');
  });

  it("refuses a team's second concurrent download on the other server (429), leaving other teams alone", async () => {
    const first = await team();
    const controller = new AbortController();
    const running = await fetch(a.baseUrl + path, { headers: { authorization: `Bearer ${first.token}` }, signal: controller.signal });
    assert.equal(running.status, 200);
    const refused = await rawGet(b, path, first.token, { range: 'bytes=0-9' });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'RATE_LIMITED');
    assert.match(refused.body.error.message, /this team already has 1 downloads running \(the limit is 1\)/);
    assert.equal(refused.headers.get('retry-after'), '5');
    const leases = await leasesOf(first.teamId);
    assert.equal(leases.length, 1);
    assert.ok(leases[0].live);
    assert.match(leases[0].server_instance, new RegExp(`:${process.pid}:[0-9a-f]{6}$`));

    const other = await team();
    assert.equal((await rawGet(b, path, other.token, { range: 'bytes=0-9' })).status, 206);
    await logged(other.teamId, 1);
    assert.equal((await rawGet(a, path, other.token, { range: 'bytes=0-9' })).status, 206);

    // the cut transfer frees its slot on server A before A logs it: once logged, server B lets the team in
    controller.abort();
    await running.body?.cancel().catch(() => undefined);
    await logged(first.teamId, 1);
    assert.deepEqual(await leasesOf(first.teamId), []);
    assert.equal((await rawGet(b, path, first.token, { range: 'bytes=0-9' })).status, 206);
  });

  it('serializes the taking of slots per team: bursts from two servers get exactly the limit', async () => {
    const servers = [new DownloadLeases(a.db, { limit: 3, expiryS: 60 }), new DownloadLeases(b.db, { limit: 3, expiryS: 60 })];
    // every connection of both pools open first, so the takes really run at once (without the per-key lock a burst
    // gets 5 to 14 leases here)
    for (const pool of [a.db, b.db]) await Promise.all(Array.from({ length: 10 }, () => pool.query('select pg_sleep(0.05)')));
    for (let burst = 0; burst < 3; burst++) {
      const key = `team:burst-${burst}`;
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => servers[i % 2].take(key)));
      const taken = outcomes.flatMap((o, i) => (o.taken ? [{ leaseId: o.leaseId, server: servers[i % 2] }] : []));
      assert.equal(taken.length, 3, `burst ${burst}`);
      for (const refused of outcomes) if (!refused.taken) assert.equal(refused.running, 3);
      assert.equal((await a.db.query(`select count(*)::int as n from download_leases where team_key = $1`, [key])).rows[0].n, 3);
      // another key is not held up by this one's slots
      const other = await servers[1].take(`team:other-${burst}`);
      assert.ok(other.taken);
      await Promise.all([...taken.map((l) => l.server.release(l.leaseId)), servers[1].release(other.leaseId)]);
      assert.equal((await a.db.query(`select count(*)::int as n from download_leases where team_key in ($1, $2)`, [key, `team:other-${burst}`])).rows[0].n, 0);
    }
  });

  it('a renewal reports the leases purged while held, not one whose transfer ended while the renewal was on its way', async () => {
    const pool = createPool(a.database.url, 1);
    const leases = new DownloadLeases(pool, { limit: 3, expiryS: 60 });
    try {
      const [kept, ended, purged] = [await leases.take('team:renewal'), await leases.take('team:renewal'), await leases.take('team:renewal')];
      if (!kept.taken || !ended.taken || !purged.taken) assert.fail('three slots of three');
      // another server purged one (as when this process stalled past the expiry)
      await a.db.query('delete from download_leases where lease_id = $1', [purged.leaseId]);
      // the renewal waits for the pool's one connection; meanwhile a transfer ends, and its row goes before the renewal runs
      const blocker = await pool.connect();
      const renewing = leases.renew();
      const releasing = leases.release(ended.leaseId);
      await a.db.query('delete from download_leases where lease_id = $1', [ended.leaseId]);
      blocker.release();
      assert.deepEqual(await renewing, [purged.leaseId]);
      await releasing;
      await leases.release(kept.leaseId);
      await leases.release(purged.leaseId);
    } finally {
      await pool.end();
    }
  });

  it('counts the per-minute limit over the requests of both servers', async () => {
    const counted = await team();
    // six requests (the limit) alternating between the servers all pass; each server alone saw only three
    for (let i = 0; i < 6; i++) {
      const reply = await rawGet(i % 2 ? b : a, path, counted.token, { range: 'bytes=0-9' });
      assert.equal(reply.status, 206, `request ${i + 1}: ${reply.status}`);
      await logged(counted.teamId, i + 1); // its slot is free by then (freed before the log is written)
    }
    for (const server of [a, b]) {
      const limited = await rawGet(server, path, counted.token, { range: 'bytes=0-9' });
      assert.equal(limited.status, 429);
      assert.match(limited.body.error.message, /too many download requests for this team/);
      assert.ok(Number(limited.headers.get('retry-after')) > 1);
    }
    // another team still has its own minute
    assert.equal((await rawGet(b, path, (await team()).token, { range: 'bytes=0-9' })).status, 206);
  });

  it("housekeeping deletes lapsed leases of teams that never download again, and leaves live ones", async () => {
    const [quiet, busy] = ['team:990001', 'team:990002'];
    await a.db.query(
      `insert into download_leases (lease_id, team_key, server_instance, expires_at)
       values (gen_random_uuid(), $1, 'gone:1:x', now() - interval '1 minute'), (gen_random_uuid(), $2, 'alive:1:x', now() + interval '1 minute')`,
      [quiet, busy],
    );
    const purged = await runHousekeeping(a.deps);
    assert.ok(purged.downloadLeases >= 1);
    const left = (await a.db.query<{ team_key: string }>('select team_key from download_leases where team_key = any($1)', [[quiet, busy]])).rows;
    assert.deepEqual(left.map((r) => r.team_key), [busy]);
    await a.db.query('delete from download_leases where team_key = $1', [busy]);
  });

  it("renews a running transfer's lease, and frees the slot of a killed server once the lease lapses", async () => {
    const victim = await team();
    dataDir = mkdtempSync(join(tmpdir(), 'carina-killed-server-'));
    child = fork(SERVER_MAIN, ['--server-only'], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        CARINA_LOG_LEVEL: 'warn',
        SEED_DEMO: '0',
        DATABASE_URL: a.database.url,
        STORAGE_DIR: a.storageDir,
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        ...LIMITS,
        DOWNLOAD_LEASE_EXPIRY_S: String(LEASE_EXPIRY_S),
      },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const baseUrl = await waitFor('the third server to listen', async () => /Carina is running at (http:\/\/\S+)/.exec(stdout)?.[1], 60_000, 50);

    // a transfer on the third server, left unread so it stays in flight
    const controller = new AbortController();
    const running = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${victim.token}` }, signal: controller.signal });
    assert.equal(running.status, 200);
    const [taken] = await leasesOf(victim.teamId);
    assert.ok(taken?.live, 'the third server holds a live lease');
    // past its first expiry the lease lives on, renewed by the third server's heartbeat
    const firstExpiry = taken.expires_at.getTime();
    const renewed = await waitFor('the lease renewed past its first expiry', async () => {
      const [lease] = await leasesOf(victim.teamId);
      const now = (await a.db.query<{ now: Date }>('select now()')).rows[0].now.getTime();
      return lease && lease.live && now > firstExpiry + 200 ? lease : undefined;
    }, 10_000, 100);
    assert.equal(renewed.lease_id, taken.lease_id);
    assert.ok(renewed.expires_at.getTime() > firstExpiry);
    assert.equal((await rawGet(a, path, victim.token, { range: 'bytes=0-9' })).status, 429);

    // killed: nothing deletes the lease, it lapses by itself within DOWNLOAD_LEASE_EXPIRY_S
    const killedAt = Date.now();
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    controller.abort();
    await running.body?.cancel().catch(() => undefined);
    const [orphan] = await leasesOf(victim.teamId);
    assert.equal(orphan?.lease_id, taken.lease_id, 'the killed server left its lease behind');
    await waitFor('the orphaned lease to lapse', async () => (await leasesOf(victim.teamId)).every((l) => !l.live), (LEASE_EXPIRY_S + 3) * 1000, 100);
    assert.ok(Date.now() - killedAt < (LEASE_EXPIRY_S + 2) * 1000, `lapsed ${Date.now() - killedAt} ms after the kill`);
    assert.equal((await rawGet(b, path, victim.token, { range: 'bytes=0-9' })).status, 206);
    await logged(victim.teamId, 1);
    // and the lapsed lease was purged when the slot was taken again
    assert.ok(!(await leasesOf(victim.teamId)).some((l) => l.lease_id === taken.lease_id));
  });
});
