/**
 * Starts bubblewrap with the seccomp filter (seccomp-filter.ts) on SECCOMP_FD: a pipe the parent fills and closes
 * at once; bubblewrap reads it to its end, closes it and installs the program before it starts the command. The one
 * way a sandbox is started (the probe's empty sandbox and every model check and run), so none starts unfiltered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { isSeccompArch, seccompFilter } from './seccomp-filter.ts';
import { SECCOMP_FD } from './sandbox-command.ts';

export interface SpawnSandboxOptions {
  /** The child's first descriptors (stdin, stdout, stderr, and fd 3 when used); the filter's pipe follows them. */
  readonly stdio: ReadonlyArray<'ignore' | 'pipe' | 'ipc'>;
  readonly env: NodeJS.ProcessEnv;
  readonly detached?: boolean;
}

export function spawnSandbox(file: string, args: string[], options: SpawnSandboxOptions): ChildProcess {
  if (!isSeccompArch(process.arch)) throw new Error(`no seccomp filter for the ${process.arch} architecture (x64 and arm64 only)`);
  const stdio = [...options.stdio];
  while (stdio.length < SECCOMP_FD) stdio.push('ignore');
  if (stdio.length !== SECCOMP_FD) throw new Error(`the sandbox's descriptor ${SECCOMP_FD} is its seccomp filter`);
  const child = spawn(file, args, { stdio: [...stdio, 'pipe'], env: options.env, detached: options.detached });
  const filter = child.stdio[SECCOMP_FD] as Writable | null;
  // a bubblewrap that ends before reading the program says why on stderr; the broken pipe adds nothing
  filter?.on('error', () => undefined);
  filter?.end(seccompFilter(process.arch));
  return child;
}
