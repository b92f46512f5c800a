/**
 * The whole platform in one process tree: database (embedded unless DATABASE_URL), migrations, the HTTP server
 * with the API and the client, and WORKERS evaluator worker processes (restarted if they crash).
 *
 * Whoever starts it may pass a start hook (`onStart`): it runs once the server listens, with the platform's
 * dependencies — `npm start` passes the demo seed this way (seed/start-with-demo.ts), so the server never imports
 * the seed. A hook that fails is logged and the platform runs on without it.
 *
 * Stopping is graceful: new uploads are refused (503) at once, the uploads in flight get up to SHUTDOWN_GRACE_S
 * to finish, workers drain their running jobs; only then do the listener, the queue and the database close.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { logEvent } from '../evaluator/index.ts';
import { createApp } from './app.ts';
import { HOUSEKEEPING_MS, startHousekeeping } from './housekeeping.ts';
import { startOwnMailSender } from './mail/mail-sender.ts';
import { startNotifier } from './mail/notifications.ts';
import type { AppDeps } from './app-deps.ts';
import type { Config } from './config.ts';
import { UploadGate } from './lifecycle/upload-gate.ts';
import { startRuntime, type Runtime } from './runtime.ts';
import { removeExpiredUploads } from './intake/resumable/expire-uploads.ts';
import { applyServerTimeouts } from './http/server-timeouts.ts';

const EXPIRED_UPLOAD_SWEEP_MS = 60 * 60 * 1000;

const WORKER_ENTRY = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

/** Runs once the platform is up (server listening, workers starting), e.g. to seed a demo challenge. */
export type StartHook = (deps: AppDeps) => Promise<unknown>;

export interface PlatformOptions {
  readonly withServer?: boolean;
  readonly workers?: number;
  readonly onStart?: StartHook;
}

export interface Platform {
  readonly runtime: Runtime;
  readonly url: string;
  readonly workers: ChildProcess[];
  readonly uploadGate: UploadGate;
  stop(): Promise<void>;
}

/** Closes the listener once the uploads in flight are done (or the grace is over); other requests get 5 s more. */
async function closeServer(server: Server, gate: UploadGate, graceS: number): Promise<void> {
  if (gate.uploadsInFlight > 0) logEvent('info', 'finishing uploads in flight', { uploads: gate.uploadsInFlight, graceS });
  if (!(await gate.idle(graceS * 1000))) {
    logEvent('warn', 'shutdown grace over; closing with uploads in flight', { uploads: gate.uploadsInFlight });
    server.closeAllConnections();
  }
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  const cutoff = setTimeout(() => server.closeAllConnections(), 5_000);
  await closed;
  clearTimeout(cutoff);
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

export async function startPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const runtime = await startRuntime(config);
  const uploadGate = new UploadGate();
  let server: Server | undefined;
  let url = '';
  if (options.withServer !== false) {
    server = await new Promise<Server>((resolve, reject) => {
      const s = applyServerTimeouts(createApp(runtime, { uploadGate }).listen(config.port, config.host, () => resolve(s)));
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
  // this process's mail sender: delivers the outbox (SMTP_URL or .eml files), retrying while SMTP is away
  const mailSender = options.withServer !== false ? startOwnMailSender(config, runtime.databaseUrl) : undefined;
  if (options.onStart && options.withServer !== false) {
    await options.onStart(runtime).catch((error) => logEvent('warn', 'start hook failed; continuing without it', { reason: (error as Error).message }));
  }
  // abandoned resumable uploads are removed when they expire, even when nobody uploads for a while
  const sweep = options.withServer !== false
    ? setInterval(() => {
        removeExpiredUploads(runtime).catch((error) => logEvent('warn', 'removing expired uploads failed', { reason: (error as Error).message }));
      }, EXPIRED_UPLOAD_SWEEP_MS).unref()
    : undefined;
  // expired sessions, used or expired links and invitations, spent throttling counters: purged hourly
  const housekeeping = options.withServer !== false ? startHousekeeping(runtime, HOUSEKEEPING_MS) : undefined;
  // mails for finished submissions and opened phases (teams' decisions are mailed when they are made)
  const notifier = options.withServer !== false ? startNotifier(runtime) : undefined;
  return {
    runtime,
    url,
    workers,
    uploadGate,
    async stop() {
      stopping = true;
      if (sweep) clearInterval(sweep);
      if (housekeeping) clearInterval(housekeeping);
      if (notifier) clearInterval(notifier);
      uploadGate.drain();
      const serverClosed = server ? closeServer(server, uploadGate, config.shutdownGraceS) : Promise.resolve();
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (!w || w.exitCode !== null) return resolve();
              w.once('exit', () => resolve());
              w.kill('SIGTERM');
              setTimeout(() => w.kill('SIGKILL'), Math.max(30, config.shutdownGraceS) * 1000).unref();
            }),
        ),
      );
      await serverClosed;
      await mailSender?.stop();
      await runtime.close();
    },
  };
}
