/**
 * A real PostgreSQL for tests: one embedded server per test process (started on first use, stopped at exit),
 * and a fresh database per caller, migrated. A database whose tests failed is kept for inspection (its name is
 * logged); the others are dropped.
 */
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '../../server/db/embedded-postgres.ts';
import { migrate } from '../../server/db/migrate.ts';
import { createPool, type Pool } from '../../server/db/pool.ts';

let server: Promise<RunningPostgres> | undefined;
let folder: string | undefined;

/** Stops the shared server (called once by the root hook after all tests). */
export async function stopTestPostgres(): Promise<void> {
  if (!server) return;
  const running = await server;
  server = undefined;
  await running.stop().catch(() => undefined);
  if (folder) rmSync(folder, { recursive: true, force: true });
  // as root from a clone only root may enter, the cluster (and a copy of the binaries) lived elsewhere
  if (running.relocatedTo) rmSync(running.relocatedTo, { recursive: true, force: true });
}

async function postgres(): Promise<RunningPostgres> {
  if (process.env.TEST_DATABASE_URL) {
    return { url: process.env.TEST_DATABASE_URL, stop: async () => undefined };
  }
  if (!server) {
    folder = mkdtempSync(join(tmpdir(), 'carina-pg-'));
    chmodSync(folder, 0o755);
    server = startEmbeddedPostgres(folder);
  }
  return server;
}

export interface TestDatabase {
  readonly url: string;
  readonly pool: Pool;
  readonly name: string;
  /** Drops the database unless `keep` (then its name is printed). */
  dispose(keep?: boolean): Promise<void>;
}

let counter = 0;

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const running = await postgres();
  const name = `carina_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${++counter}`;
  const admin = new pg.Client({ connectionString: running.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = running.url.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  const pool = createPool(url);
  await migrate(pool);
  return {
    url,
    pool,
    name,
    async dispose(keep = false) {
      await pool.end();
      if (keep) {
        process.stderr.write(`kept test database ${name} for inspection at ${url}\n`);
        return;
      }
      const c = new pg.Client({ connectionString: running.url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
