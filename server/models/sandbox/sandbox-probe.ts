/**
 * Can this host build the model sandbox? Finds bubblewrap, prlimit and (as root) setpriv, then starts one empty
 * sandbox (`/usr/bin/true` with the same namespaces and seccomp filter) to prove the kernel allows it. Success is remembered for the
 * process's life and logged once, with how limits are enforced; a failure is not remembered (installing
 * bubblewrap fixes the next run without a restart) and becomes a `SandboxUnavailable` naming the fix.
 */
import { accessSync, constants, existsSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { logEvent } from '../../../evaluator/index.ts';
import { sandboxCommand, type SandboxTools } from './sandbox-command.ts';
import { isSeccompArch } from './seccomp-filter.ts';
import { spawnSandbox } from './spawn-sandbox.ts';

const TOOL_FOLDERS = ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin'];
const SYSTEM_FOLDERS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
const PROBE_TIMEOUT_MS = 15_000;

/** The fix, in every message about a missing sandbox. */
export const SANDBOX_FIX = 'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and allow user namespaces (sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces > 0; in a container see README "Model sandbox"), or set MODEL_SANDBOX=off to run models unconfined (development only)';

export class SandboxUnavailable extends Error {
  constructor(reason: string) {
    super(`the model sandbox cannot start on this host: ${reason}; ${SANDBOX_FIX}`);
    this.name = 'SandboxUnavailable';
  }
}

/** How the sandbox enforces its limits, as logged with each run. */
export const LIMITS_ENFORCED = 'rlimits (RLIMIT_DATA memory, RLIMIT_CPU, RLIMIT_NPROC, RLIMIT_FSIZE) + wall-clock kill of the process group';
/** The system-call filter, as logged with each run. */
export const SYSCALLS_FILTERED = 'seccomp (other ABIs killed, a deny list answered EPERM)';

function findTool(name: string, folders: readonly string[] = TOOL_FOLDERS): string | undefined {
  for (const folder of folders) {
    const path = join(folder, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

function systemLinks(): SandboxTools['systemLinks'] {
  return SYSTEM_FOLDERS.filter((path) => existsSync(path)).map((path) =>
    lstatSync(path).isSymbolicLink() ? { path, target: readlinkSync(path) } : { path },
  );
}

export function findSandboxTools(folders: readonly string[] = TOOL_FOLDERS): SandboxTools {
  const bwrap = findTool('bwrap', folders);
  if (!bwrap) throw new SandboxUnavailable(`bubblewrap (bwrap) is not installed (looked in ${folders.join(', ')})`);
  const prlimit = findTool('prlimit', folders);
  if (!prlimit) throw new SandboxUnavailable('prlimit (util-linux) is not installed');
  if (!isSeccompArch(process.arch)) throw new SandboxUnavailable(`its seccomp filter is written for x64 and arm64, not ${process.arch}`);
  const asRoot = process.getuid?.() === 0;
  const setpriv = asRoot ? findTool('setpriv', folders) : undefined;
  if (asRoot && !setpriv) throw new SandboxUnavailable('setpriv (util-linux) is not installed, and the platform runs as root');
  return { bwrap, prlimit, setpriv, systemLinks: systemLinks() };
}

/** Starts a sandbox and collects its exit code and the end of its stderr. */
export function runSandbox(file: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnSandbox(file, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: error.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: stderr.trim() });
    });
  });
}

const ready = new Map<string, Promise<SandboxTools>>();

async function probe(folders: readonly string[]): Promise<SandboxTools> {
  const found = findSandboxTools(folders);
  const started = performance.now();
  let tools: SandboxTools = found.setpriv ? { ...found, blockNestedUserns: true } : found;
  let { code, stderr } = await emptySandbox(tools);
  if (code !== 0 && tools.blockNestedUserns) {
    logEvent('warn', 'model sandbox: this kernel refuses unprivileged user namespaces, so the sandbox (as root) cannot also forbid them to uid 65534', { message: stderr });
    tools = found;
    ({ code, stderr } = await emptySandbox(tools));
  }
  if (code !== 0) throw new SandboxUnavailable(`an empty sandbox failed (exit ${code}): ${stderr.split('\n').slice(-2).join(' | ') || 'no message'}`);
  logEvent('info', 'model sandbox ready', {
    bwrap: tools.bwrap,
    user: tools.setpriv
      ? `root: privileged bubblewrap, setpriv to uid 65534${tools.blockNestedUserns ? ', nested user namespaces forbidden' : ''}`
      : `uid ${process.getuid?.()}: user namespace, uid 65534 inside, nested user namespaces forbidden`,
    limits: LIMITS_ENFORCED,
    syscalls: SYSCALLS_FILTERED,
    probeMs: Math.round(performance.now() - started),
  });
  return tools;
}

/** The bubblewrap command of a sandbox with nothing in it but /usr, running `command` under small limits. */
export function emptySandboxCommand(tools: SandboxTools, command: string[]): { file: string; args: string[] } {
  return sandboxCommand({
    tools,
    readOnly: [],
    packages: [],
    inputs: [],
    workingDir: '/',
    env: { PATH: '/usr/bin:/bin' },
    limits: { dataBytes: 64 * 1024 * 1024, cpuSeconds: 5, processes: 16, fileBytes: 1024 * 1024 },
    command,
  });
}

function emptySandbox(tools: SandboxTools): Promise<{ code: number | null; stderr: string }> {
  const { file, args } = emptySandboxCommand(tools, [findTool('true') ?? '/usr/bin/true']);
  return runSandbox(file, args, PROBE_TIMEOUT_MS);
}

/** The sandbox's tools once an empty sandbox has started; rejects with SandboxUnavailable otherwise. */
export function sandboxReady(folders: readonly string[] = TOOL_FOLDERS): Promise<SandboxTools> {
  const key = folders.join(':');
  let tools = ready.get(key);
  if (!tools) {
    tools = probe(folders).catch((error: unknown) => {
      ready.delete(key);
      throw error instanceof SandboxUnavailable ? error : new SandboxUnavailable(error instanceof Error ? error.message : String(error));
    });
    ready.set(key, tools);
  }
  return tools;
}

/**
 * At a worker's start: says loudly whether models will run confined. Never stops the start (`npm start` works
 * without bubblewrap; model runs then fail closed, each with SANDBOX_UNAVAILABLE).
 */
export async function reportModelSandbox(settings: { readonly enabled: boolean; readonly toolFolders?: readonly string[] }): Promise<void> {
  if (!settings.enabled) {
    logEvent('warn', 'model sandbox OFF (MODEL_SANDBOX=off): team models run unconfined, with this process\'s user, files and network; development only', {});
    return;
  }
  await sandboxReady(settings.toolFolders).catch((error: Error) => logEvent('error', 'model sandbox unavailable: model checks and runs will fail with SANDBOX_UNAVAILABLE', { message: error.message }));
}
