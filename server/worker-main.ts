/**
 * `npm run worker`: one evaluator worker process against DATABASE_URL (any number of them, on any machine that
 * sees the same database and storage). SIGTERM drains: running jobs finish, then the process exits.
 */
import { logEvent } from '../evaluator/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createPool } from './db/pool.ts';
import { startJobQueue } from './jobs/job-queue.ts';
import { startWorker } from './worker/worker.ts';
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

/**
 * pg-boss 10 completes and fails jobs without awaiting the promise (timgit/pg-boss#577): when the database restarts
 * under a running worker those rejections surface here. A lost connection is not a reason to die — the queue
 * retries, and the job's expiry covers the rest; anything else still stops the process.
 */
const DATABASE_GONE = /^(57P0[123]|08\d\d\d|ECONNREFUSED|ECONNRESET|EPIPE)$/;
process.on('unhandledRejection', (reason) => {
  const error = reason as { code?: string; message?: string };
  if (DATABASE_GONE.test(error?.code ?? '') || /Connection terminated|connection timeout|server closed the connection/i.test(error?.message ?? '')) {
    logEvent('warn', 'database connection lost; carrying on', { code: error?.code, message: error?.message });
    return;
  }
  throw reason;
});

main().catch((error) => {
  process.stderr.write(`carina worker: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
