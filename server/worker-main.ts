/**
 * `npm run worker`: one evaluator worker process against DATABASE_URL (any number of them, on any machine that
 * sees the same database and storage). SIGTERM drains: running jobs finish, then the process exits.
 */
import { logEvent } from '../evaluator/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createPool } from './db/pool.ts';
import { startJobQueue } from './queue/job-queue.ts';
import { startWorker } from './queue/evaluation-jobs.ts';
import { queueOptions } from './runtime.ts';
import { createStorage } from './storage/create-storage.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new ConfigError('DATABASE_URL: a worker needs the platform database (postgres://...)');
  const db = createPool(config.databaseUrl, 4);
  const storage = await createStorage(config);
  const queue = await startJobQueue(config.databaseUrl, queueOptions(config));
  await startWorker({ config, db, storage, queue });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logEvent('info', 'worker draining', { signal });
    await queue.stop(true).catch(() => undefined);
    await db.end().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`carina worker: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
