/**
 * A hostile payload in place of the model runner (server/models/sandbox/run-model-child.ts), started through the
 * same launcher: it tries what code that escaped onnxruntime would try, and reports what it saw — or it hogs memory
 * or CPU until the sandbox's limits stop it. Each probe answers with what it read or the error code it got.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { serveOnce } from '../../server/models/sandbox/child-side.ts';

export interface HostileRequest {
  readonly action: 'probe' | 'noop' | 'buffers' | 'heap' | 'spin';
  /** Paths of the host the payload must not reach. */
  readonly secretFiles?: readonly string[];
  readonly secretFolders?: readonly string[];
  /** Host pids whose environment it tries to read. */
  readonly pids?: readonly number[];
  /** TCP ports on 127.0.0.1 it tries to connect to. */
  readonly ports?: readonly number[];
  /** Paths it tries to write (besides the input file and its output folder). */
  readonly writeTargets?: readonly string[];
  readonly inputFile?: string;
  readonly outputDir?: string;
}

export interface HostileReport {
  readonly uid: number;
  readonly gid: number;
  readonly env: Record<string, string | undefined>;
  readonly visiblePids: string[];
  readonly pidEnvironments: Record<string, string>;
  readonly files: Record<string, string>;
  readonly folders: Record<string, string>;
  readonly sockets: Record<string, string>;
  readonly input: string;
  readonly writes: Record<string, string>;
  readonly nestedUserNamespace: string;
}

function attempt(work: () => string): string {
  try {
    return work();
  } catch (error) {
    return `error ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

function tcp(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('error timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
  });
}

async function probe(request: HostileRequest): Promise<HostileReport> {
  const pidEnvironments: Record<string, string> = {};
  const visiblePids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  for (const pid of [...(request.pids ?? []), ...visiblePids.map(Number)]) {
    pidEnvironments[pid] = attempt(() => readFileSync(`/proc/${pid}/environ`, 'utf8'));
  }
  const files: Record<string, string> = {};
  for (const path of request.secretFiles ?? []) files[path] = attempt(() => readFileSync(path, 'utf8').slice(0, 200));
  const folders: Record<string, string> = {};
  for (const path of request.secretFolders ?? []) folders[path] = attempt(() => readdirSync(path).join(','));
  const sockets: Record<string, string> = {};
  for (const port of request.ports ?? []) sockets[port] = await tcp(port);
  const writes: Record<string, string> = {};
  const targets = request.writeTargets ? [...request.writeTargets, request.inputFile ?? '/in/x', join(request.outputDir ?? '/out', 'ok.txt')] : [];
  for (const path of targets) {
    writes[path] = attempt(() => {
      writeFileSync(path, 'x');
      return 'written';
    });
  }
  const unshare = spawnSync('/usr/bin/unshare', ['--user', '--map-root-user', '/usr/bin/id', '-u'], { encoding: 'utf8' });
  return {
    uid: process.getuid!(),
    gid: process.getgid!(),
    env: { ...process.env },
    visiblePids,
    pidEnvironments,
    files,
    folders,
    sockets,
    input: attempt(() => readFileSync(request.inputFile ?? '/in/x', 'utf8')),
    writes,
    nestedUserNamespace: unshare.status === 0 ? `allowed: ${unshare.stdout.trim()}` : `refused: ${(unshare.stderr || String(unshare.error)).trim().slice(0, 200)}`,
  };
}

serveOnce<HostileRequest, HostileReport | null>(async (request) => {
  if (request.action === 'probe') return probe(request);
  if (request.action === 'buffers') {
    const kept: Buffer[] = [];
    for (;;) kept.push(Buffer.alloc(64 * 1024 * 1024, 1));
  }
  if (request.action === 'heap') {
    const kept: number[][] = [];
    for (;;) kept.push(new Array(1_000_000).fill(Math.random()));
  }
  if (request.action === 'spin') for (;;);
  return null;
});
