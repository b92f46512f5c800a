/**
 * A PostgreSQL cluster of the test's own (the shared test server must not go away under other suites), on a
 * fixed loopback port so it can be stopped and started again under the same URL — as a real restart would look to
 * the server and the workers. `stop()` is PostgreSQL's fast shutdown (SIGINT): every connection is terminated.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { clusterFolder, freePort } from '../../server/db/embedded-postgres.ts';

export interface RestartablePostgres {
  /** URL of the database `name` on this cluster. */
  urlOf(name: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startRestartablePostgres(dir: string): Promise<RestartablePostgres> {
  // as root, where the `postgres` user can reach it (a clone only root may enter moves it; see embedded-postgres.ts)
  const cluster = await clusterFolder(dir);
  cluster.prepareInitdb();
  const password = 'restart-test';
  writeFileSync(join(dir, 'password'), password);
  const port = await freePort();
  const server = new cluster.Server({
    databaseDir: cluster.dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: cluster.asPostgresUser,
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
      if (cluster.relocatedTo) rmSync(cluster.relocatedTo, { recursive: true, force: true });
    },
  };
}
