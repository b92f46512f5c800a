/**
 * Wiring shared by the entry points: the database (embedded or DATABASE_URL), migrations, storage and the queue.
 */
import { join } from 'node:path';
import type { AppDeps } from './app-deps.ts';
import { ensureConfiguredOrganiser } from './auth/organiser-bootstrap.ts';
import type { Config } from './config.ts';
import type { RunningPostgres } from './db/embedded-postgres.ts';
import { importKeepingSignals } from './lifecycle/signal-hooks.ts';
import { migrate } from './db/migrate.ts';
import { createPool } from './db/pool.ts';
import { startJobQueue, type QueueOptions } from './jobs/job-queue.ts';
import { createStorage } from './storage/create-storage.ts';

export interface Runtime extends AppDeps {
  readonly databaseUrl: string;
  readonly embedded?: RunningPostgres;
  close(): Promise<void>;
}

export async function databaseUrlFor(config: Config): Promise<{ url: string; embedded?: RunningPostgres }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  // loaded only when needed, without its exit-at-once signal handlers (see lifecycle/signal-hooks.ts)
  const { startEmbeddedPostgres } = await importKeepingSignals(() => import('./db/embedded-postgres.ts'));
  const embedded = await startEmbeddedPostgres(join(config.dataDir, 'postgres'), config.dataDir);
  return { url: embedded.url, embedded };
}

export function queueOptions(config: Config): QueueOptions {
  return { timeoutS: config.evaluationTimeoutS, retries: config.evaluationRetries, maintenanceIntervalS: config.maintenanceIntervalS };
}

export async function startRuntime(config: Config, databaseUrl?: string): Promise<Runtime> {
  const { url, embedded } = databaseUrl ? { url: databaseUrl, embedded: undefined } : await databaseUrlFor(config);
  const db = createPool(url);
  await migrate(db);
  const storage = await createStorage(config);
  const queue = await startJobQueue(url, queueOptions(config));
  await ensureConfiguredOrganiser({ config, db, storage, queue });
  return {
    config,
    db,
    storage,
    queue,
    databaseUrl: url,
    embedded,
    async close() {
      await queue.stop(false).catch(() => undefined);
      await db.end().catch(() => undefined);
      await embedded?.stop().catch(() => undefined);
    },
  };
}
