/** Real server and worker processes for the reliability tests (the entry points `npm run server` / `npm run worker` run). */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER_MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../server/worker-main.ts', import.meta.url));

export interface Spawned {
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr (its warnings and errors). */
  readonly stderr: () => string;
  readonly exited: () => boolean;
}

function spawn(entry: string, args: string[], env: Record<string, string>): Spawned {
  const child = fork(entry, args, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, CARINA_LOG_LEVEL: 'warn', SEED_DEMO: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stderr: () => stderr, exited: () => child.exitCode !== null || child.signalCode !== null };
}

export function spawnWorker(env: Record<string, string>): Spawned {
  return spawn(WORKER_MAIN, [], env);
}

/** `server/main.ts --server-only` on `port`; resolves once /healthz answers. */
export async function spawnServer(port: number, env: Record<string, string>): Promise<Spawned> {
  const server = spawn(SERVER_MAIN, ['--server-only'], { PORT: String(port), HOST: '127.0.0.1', ...env });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exited()) throw new Error(`the server exited: ${server.stderr()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not start: ${server.stderr()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function stopProcess(spawned: Spawned, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (spawned.exited()) return;
  await new Promise<void>((resolve) => {
    spawned.child.once('exit', () => resolve());
    spawned.child.kill(signal);
    setTimeout(() => spawned.child.kill('SIGKILL'), 20_000).unref();
  });
}

/** A worker kept running as `npm start` (server/platform.ts) and docker-compose's restart policy do: respawned when it exits. */
export class SupervisedWorker {
  private current: Spawned;
  private stopping = false;
  /** Exits that were not asked for, with the end of the process's stderr. */
  readonly crashes: string[] = [];
  constructor(private readonly env: Record<string, string>) {
    this.current = this.start();
  }

  private start(): Spawned {
    const spawned = spawnWorker(this.env);
    spawned.child.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.crashes.push(`exit ${code ?? signal}: ${spawned.stderr().trim().split('\n').slice(-25).join('\n')}`);
      setTimeout(() => {
        if (!this.stopping) this.current = this.start();
      }, 500);
    });
    return spawned;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await stopProcess(this.current);
  }
}
