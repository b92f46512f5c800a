/**
 * `npm start`: the whole platform on the embedded default (or DATABASE_URL), one process tree.
 * `npm run server`: API and client only (workers run elsewhere: `npm run worker`).
 * SIGTERM (or Ctrl-C) stops gracefully: new uploads get 503, those in flight finish, workers drain, exit 0.
 */
import { logEvent } from '../evaluator/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startPlatform } from './platform.ts';

async function main(): Promise<void> {
  const serverOnly = process.argv.includes('--server-only');
  const config = loadConfig();
  const platform = await startPlatform(config, { workers: serverOnly ? 0 : config.workers });
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

main().catch((error) => {
  process.stderr.write(`carina: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
