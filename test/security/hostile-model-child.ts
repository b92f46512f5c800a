/**
 * A hostile payload in place of the model runner (server/models/sandbox/run-model-child.ts), started through the
 * same launcher: it tries what code that escaped onnxruntime would try, and reports what it saw — or it hogs memory
 * or CPU until the sandbox's limits stop it. Each probe answers with what it read or the error code it got.
 * Raw system calls go through Perl's `syscall` (/usr/bin/perl, perl-base, under the sandbox's /usr), one Perl
 * process per call, so that a call the seccomp filter kills takes only its own process with it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';
import { serveOnce } from '../../server/models/sandbox/child-side.ts';

export interface HostileRequest {
  readonly action: 'probe' | 'syscalls' | 'noop' | 'buffers' | 'heap' | 'spin';
  /** Raw system calls to issue (action 'syscalls'): label → number and integer arguments. */
  readonly syscalls?: Readonly<Record<string, { readonly nr: number; readonly args: readonly number[] }>>;
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

export interface SyscallReport {
  /** The `Seccomp:` field of /proc/self/status: 0 none, 2 a filter. */
  readonly seccompMode: string;
  /** label → `ok <return value>`, `errno <NAME>` or `killed <signal>`. */
  readonly results: Record<string, string>;
}

export type HostileResult = HostileReport | SyscallReport | null;

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, value]) => [value, name]));

/** One raw system call in its own Perl process (the script comes on stdin: Perl's -e needs /dev/null, unusable here). */
function rawSyscall(nr: number, args: readonly number[]): string {
  const call = [nr, ...args].map((n) => String(Math.trunc(n))).join(', ');
  const script = `my $r = syscall(${call}); print $r == -1 ? 'errno ' . (0 + $!) : "ok $r";\n`;
  const perl = spawnSync('/usr/bin/perl', ['-'], { input: script, encoding: 'utf8' });
  if (perl.signal) return `killed ${perl.signal}`;
  if (perl.status !== 0 || perl.error) return `perl failed: ${perl.error?.message ?? perl.stderr.trim()}`;
  const errno = /^errno (\d+)$/.exec(perl.stdout);
  return errno ? `errno ${ERRNO_NAMES.get(Number(errno[1])) ?? errno[1]}` : perl.stdout;
}

function syscalls(request: HostileRequest): SyscallReport {
  const status = readFileSync('/proc/self/status', 'utf8');
  const results: Record<string, string> = {};
  for (const [label, { nr, args }] of Object.entries(request.syscalls ?? {})) results[label] = rawSyscall(nr, args);
  return { seccompMode: /^Seccomp:\s*(\d+)/m.exec(status)?.[1] ?? 'absent', results };
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

serveOnce<HostileRequest, HostileResult>(async (request) => {
  if (request.action === 'probe') return probe(request);
  if (request.action === 'syscalls') return syscalls(request);
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
