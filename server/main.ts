/**
 * The platform's entry point: the whole platform on the embedded default (or DATABASE_URL), one process tree;
 * with --server-only, the API and client only (workers run elsewhere: `npm run worker`).
 * Run directly (`node --import tsx server/main.ts`, as the tests do) it starts the platform with no start hook.
 * `npm start` and `npm run server` run seed/start-with-demo.ts instead, which calls main() with the demo seed as
 * its start hook — the server never imports the seed.
 * SIGTERM (or Ctrl-C) stops gracefully: new uploads get 503, those in flight finish, workers drain, exit 0.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { logEvent } from '../evaluator/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startPlatform, type StartHook } from './platform.ts';

export type { StartHook } from './platform.ts';

export interface MainHooks {
  /** Runs once the platform is up, with its dependencies (e.g. the demo seed); a failure is logged, not fatal. */
  readonly onStart?: StartHook;
}

async function run(hooks: MainHooks): Promise<void> {
  const serverOnly = process.argv.includes('--server-only');
  const config = loadConfig();
  const platform = await startPlatform(config, { workers: serverOnly ? 0 : config.workers, onStart: hooks.onStart });
  logEvent('info', 'carina is running', { url: platform.url, workers: serverOnly ? 0 : config.workers, database: config.databaseUrl ? 'external' : 'embedded' });
  process.stdout.write(`\nCarina is running at ${platform.url}\n\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // a second Ctrl-C: stop waiting for uploads and jobs
      if (signal === 'SIGINT') process.exit(130);
      return;
    }
    stopping = true;
    logEvent('info', 'shutting down: no new uploads, finishing the ones in flight', { signal, uploads: platform.uploadGate.uploadsInFlight });
    await platform.stop();
    logEvent('info', 'stopped', { signal });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Starts the platform for this process; a bad configuration or a failed start exits with status 1. */
export function main(hooks: MainHooks = {}): void {
  run(hooks).catch((error) => {
    process.stderr.write(`carina: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
    process.exit(1);
  });
}

/** Whether this file is the script node was started with (rather than a module someone imports). */
function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) main();
