/** What the app factory is built from: configuration, the database pool, file storage and the queue. */
import type { Config } from './config.ts';
import type { Pool } from './db/pool.ts';
import type { Storage } from './storage/storage.ts';
import type { JobQueue } from './jobs/job-queue.ts';

export interface AppDeps {
  readonly config: Config;
  readonly db: Pool;
  readonly storage: Storage;
  readonly queue: JobQueue;
}
