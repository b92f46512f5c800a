/**
 * The whole platform in one process tree: database (embedded unless DATABASE_URL), migrations, the HTTP server
 * with the API and the client, and WORKERS evaluator worker processes (restarted if they crash).
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { logEvent } from '../evaluator/index.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { startRuntime, type Runtime } from './runtime.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

export interface Platform {
  readonly runtime: Runtime;
  readonly url: string;
  readonly workers: ChildProcess[];
  stop(): Promise<void>;
}

function startWorkerProcess(runtime: Runtime, index: number, onExit: (code: number | null) => void): ChildProcess {
  const child = fork(WORKER_ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      DATABASE_URL: runtime.databaseUrl,
      STORAGE_DIR: runtime.config.storageDir,
      CARINA_WORKER_INDEX: String(index),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('exit', onExit);
  return child;
}

export async function startPlatform(config: Config, options: { withServer?: boolean; workers?: number } = {}): Promise<Platform> {
  const runtime = await startRuntime(config);
  let server: Server | undefined;
  let url = '';
  if (options.withServer !== false) {
    server = await new Promise<Server>((resolve, reject) => {
      const s = createApp(runtime).listen(config.port, config.host, () => resolve(s));
      s.once('error', reject);
    });
    const address = server.address();
    url = `http://${config.host}:${typeof address === 'object' && address ? address.port : config.port}`;
  }
  const workers: ChildProcess[] = [];
  let stopping = false;
  const count = options.workers ?? config.workers;
  for (let n = 0; n < count; n++) {
    const spawnWorker = (delayMs: number) => {
      setTimeout(() => {
        if (stopping) return;
        workers[n] = startWorkerProcess(runtime, n, (code) => {
          if (stopping) return;
          logEvent('warn', 'worker exited; restarting', { worker: n, code });
          spawnWorker(Math.min(10_000, delayMs * 2 + 500));
        });
      }, delayMs);
    };
    spawnWorker(0);
  }
  return {
    runtime,
    url,
    workers,
    async stop() {
      stopping = true;
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (!w || w.exitCode !== null) return resolve();
              w.once('exit', () => resolve());
              w.kill('SIGTERM');
              setTimeout(() => w.kill('SIGKILL'), 30_000).unref();
            }),
        ),
      );
      if (server) {
        server.closeIdleConnections();
        await new Promise((resolve) => server!.close(resolve));
      }
      await runtime.close();
    },
  };
}
