/**
 * Runs one job in a child process that may hold an untrusted model, inside the bubblewrap sandbox
 * (sandbox-command.ts says what the child gets: no network, no platform files or secrets, uid 65534, a seccomp
 * filter, kernel limits). The child reads its inputs read-only under /in and writes its results to /out; the caller builds the
 * request from those paths. Whatever the model does — loop, allocate, crash onnxruntime, try to escape — only the
 * child dies; the parent gets a `ChildFailure` saying which limit was hit. One request in, progress messages, one
 * result or failure out (child-messages.ts).
 *
 * Fails closed: when the sandbox cannot be built (bubblewrap missing, namespaces refused) the run fails with the
 * platform's SANDBOX_UNAVAILABLE naming the fix. Only MODEL_SANDBOX=off runs the child unconfined (a filtered
 * environment and the watchdogs below), with a warning logged on every run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chownSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logEvent } from '../../../evaluator/index.ts';
import type { ModelSandboxSettings } from '../../config.ts';
import type { ChildFailure, ChildMessage, ChildRequest } from './child-messages.ts';
import { treeResidentMemoryMb } from './process-tree.ts';
import { IPC_FD, SANDBOX_GID, SANDBOX_INPUT_DIR, SANDBOX_OUTPUT_DIR, SANDBOX_UID, sandboxCommand } from './sandbox-command.ts';
import { childBundle } from './child-bundle.ts';
import { bundleTarget, PROJECT_ROOT, sandboxPackages } from './sandbox-files.ts';
import { LIMITS_ENFORCED, SYSCALLS_FILTERED, SandboxUnavailable, sandboxReady } from './sandbox-probe.ts';
import { spawnSandbox } from './spawn-sandbox.ts';

const TSX_LOADER = import.meta.resolve('tsx');
const MEMORY_POLL_MS = 200;
/** Threads and processes a child may have besides onnxruntime's: Node's (V8 platform, libuv pool, itk-wasm's workers). */
const SUPPORT_TASKS = 48;
/**
 * The watchdog behind the kernel's RLIMIT_DATA: resident memory also holds code and shared libraries (about
 * 100 MB for Node and onnxruntime) that the data limit does not count, so it kills only past this margin.
 */
const WATCHDOG_MARGIN_MB = 256;
/** Messages of an allocation refused by the memory limit (V8, onnxruntime, libc). */
const OUT_OF_MEMORY = /allocation failed|out of memory|bad_alloc|cannot allocate memory|ENOMEM|failed to allocate/i;
/** The variables the unconfined child (MODEL_SANDBOX=off) keeps: where libraries are, which GPU. */
const FORWARDED_ENVIRONMENT = ['PATH', 'HOME', 'TMPDIR', 'LD_LIBRARY_PATH', 'CUDA_VISIBLE_DEVICES'];

export interface SandboxLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** CPU seconds over all threads (default: the wall-clock limit times the threads, plus 5 s). */
  readonly cpuSeconds?: number;
  /** The largest file the child may write (default 2 GiB). */
  readonly fileBytes?: number;
}

export interface SandboxFiles {
  /** Read-only inputs: the file name the child sees under /in → the host path. */
  readonly inputs: Readonly<Record<string, string>>;
  /** A host folder the child may write its results to (/out inside). */
  readonly outputDir?: string;
}

/** Where the child finds its inputs and writes its results. */
export interface SandboxPaths {
  readonly inputs: Readonly<Record<string, string>>;
  readonly outputDir: string;
}

export type SandboxOutcome<Result> = {
  readonly peakMemoryMb: number;
  readonly ms: number;
  /** How the child was confined (for the run's log). */
  readonly sandbox: string;
} & ({ readonly ok: true; readonly result: Result } | { readonly ok: false; readonly failure: ChildFailure });

const memoryMessage = (limitMb: number, reachedMb: number) =>
  `the model needed more than ${limitMb} MB of memory, the phase's limit per case (it reached ${Math.round(reachedMb)} MB); use a smaller patch or a lighter model`;

function unconfinedEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CARINA_LOG_LEVEL: 'warn' };
  for (const name of FORWARDED_ENVIRONMENT) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

interface Launch {
  readonly child: ChildProcess;
  readonly paths: SandboxPaths;
  readonly sandbox: string;
  readonly kill: () => void;
  readonly watchdogMb: number;
}

async function launchConfined(script: URL, settings: ModelSandboxSettings, files: SandboxFiles, limits: SandboxLimits, threads: number): Promise<Launch> {
  const tools = await sandboxReady(settings.toolFolders);
  const bundle = await childBundle(script);
  const scriptPath = bundleTarget(bundle);
  const node = realpathSync(process.execPath);
  const inputs = Object.entries(files.inputs).map(([name, source]) => ({ name, source: realpathSync(source) }));
  if (tools.setpriv) {
    // as root the child is the real uid 65534: it reads its inputs as "others" and owns its output folder
    for (const { name, source } of inputs) {
      if ((statSync(source).mode & 0o004) === 0) throw new Error(`${name} (${source}) is not readable by uid 65534: store files with a umask that leaves them world-readable (022)`);
    }
    if (files.outputDir) chownSync(files.outputDir, SANDBOX_UID, SANDBOX_GID);
  }
  const timeoutS = Math.ceil(limits.timeoutMs / 1000);
  const { file, args } = sandboxCommand({
    tools,
    readOnly: node.startsWith('/usr/') ? [] : [dirname(node)],
    packages: [...sandboxPackages(), { source: bundle, target: scriptPath }],
    inputs,
    outputDir: files.outputDir && realpathSync(files.outputDir),
    workingDir: PROJECT_ROOT,
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/tmp',
      TMPDIR: '/tmp',
      NODE_CHANNEL_FD: String(IPC_FD),
      NODE_CHANNEL_SERIALIZATION_MODE: 'json',
      CARINA_LOG_LEVEL: 'warn',
      OMP_NUM_THREADS: String(threads),
      MALLOC_ARENA_MAX: '2',
    },
    limits: {
      dataBytes: limits.memoryMb * 1024 * 1024,
      cpuSeconds: limits.cpuSeconds ?? timeoutS * threads + 5,
      processes: threads + SUPPORT_TASKS,
      fileBytes: limits.fileBytes ?? 2 * 1024 ** 3,
    },
    command: [node, `--max-old-space-size=${Math.max(64, limits.memoryMb)}`, scriptPath],
  });
  // its own process group, killed as a whole; bubblewrap's own environment is empty too (its reaper, pid 1 in the
  // sandbox, keeps the environment bubblewrap was started with)
  const child = spawnSandbox(file, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { PATH: '/usr/bin:/bin' }, detached: true });
  const paths: SandboxPaths = {
    inputs: Object.fromEntries(inputs.map(({ name }) => [name, join(SANDBOX_INPUT_DIR, name)])),
    outputDir: SANDBOX_OUTPUT_DIR,
  };
  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const user = tools.setpriv ? `uid 65534 (setpriv from root${tools.blockNestedUserns ? ', no user namespaces' : ''})` : 'uid 65534 in a user namespace';
  return { child, paths, kill, watchdogMb: limits.memoryMb + WATCHDOG_MARGIN_MB, sandbox: `bubblewrap: no network, ${user}, ${threads} threads, ${SYSCALLS_FILTERED}, ${LIMITS_ENFORCED}` };
}

function launchUnconfined(script: URL, files: SandboxFiles, limits: SandboxLimits): Launch {
  logEvent('warn', 'model sandbox OFF: running a model unconfined (MODEL_SANDBOX=off, development only)', { script: fileURLToPath(script) });
  const child = fork(fileURLToPath(script), [], {
    execArgv: ['--import', TSX_LOADER, `--max-old-space-size=${Math.max(64, limits.memoryMb)}`],
    env: unconfinedEnvironment(),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  return { child, paths: { inputs: files.inputs, outputDir: files.outputDir ?? '' }, kill: () => child.kill('SIGKILL'), watchdogMb: limits.memoryMb, sandbox: 'off (MODEL_SANDBOX=off)' };
}

export function sandboxThreads(settings: ModelSandboxSettings): number {
  return settings.cpuThreads > 0 ? settings.cpuThreads : availableParallelism();
}

export async function runSandboxed<Request, Result>(
  script: URL,
  settings: ModelSandboxSettings,
  files: SandboxFiles,
  requestFor: (paths: SandboxPaths) => Request,
  limits: SandboxLimits,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<SandboxOutcome<Result>> {
  const started = performance.now();
  const threads = sandboxThreads(settings);
  let launch: Launch;
  try {
    launch = settings.enabled ? await launchConfined(script, settings, files, limits, threads) : launchUnconfined(script, files, limits);
  } catch (error) {
    const message = error instanceof SandboxUnavailable ? error.message : `the model sandbox could not be set up: ${error instanceof Error ? error.message : String(error)}`;
    logEvent('error', 'model sandbox unavailable', { message });
    return { ok: false, failure: { owner: 'platform', code: 'SANDBOX_UNAVAILABLE', message }, peakMemoryMb: 0, ms: Math.round(performance.now() - started), sandbox: 'unavailable' };
  }
  return supervise<Request, Result>(launch, requestFor(launch.paths), threads, limits, started, onProgress);
}

function supervise<Request, Result>(
  launch: Launch,
  request: Request,
  threads: number,
  limits: SandboxLimits,
  started: number,
  onProgress: (done: number, total: number) => void,
): Promise<SandboxOutcome<Result>> {
  const { child } = launch;
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000);
  });
  let peakMemoryMb = 0;
  let ready = false;
  let final: { ok: true; result: Result } | { ok: false; failure: ChildFailure } | undefined;
  let killedFor: ChildFailure | undefined;
  const kill = (failure: ChildFailure) => {
    if (killedFor || final) return;
    killedFor = failure;
    launch.kill();
  };
  const memoryWatch = setInterval(() => {
    const rss = child.pid ? treeResidentMemoryMb(child.pid) : undefined;
    if (rss === undefined) return;
    peakMemoryMb = Math.max(peakMemoryMb, rss);
    if (rss > launch.watchdogMb) kill({ owner: 'team', code: 'MODEL_MEMORY_LIMIT', message: memoryMessage(limits.memoryMb, rss) });
  }, MEMORY_POLL_MS);
  const timer = setTimeout(() => {
    kill({ owner: 'team', code: 'MODEL_TIME_LIMIT', message: `the model did not finish within ${Math.round(limits.timeoutMs / 1000)} s, the phase's time limit per case; use fewer patches (less overlap, a coarser spacing) or a lighter model` });
  }, limits.timeoutMs);
  child.on('message', (message: ChildMessage<Result>) => {
    if (message.type === 'ready') {
      ready = true;
      child.send({ request, threads } satisfies ChildRequest<Request>);
    } else if (message.type === 'progress') onProgress(message.done, message.total);
    else if (message.type === 'result') final = { ok: true, result: message.result };
    else if (message.type === 'failure') final = { ok: false, failure: message.failure };
  });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearInterval(memoryWatch);
      clearTimeout(timer);
      // nothing of the sandbox outlives the run (bubblewrap's --die-with-parent covers the parent's own death)
      launch.kill();
      const ms = Math.round(performance.now() - started);
      const measured = { peakMemoryMb: Math.round(peakMemoryMb), ms, sandbox: launch.sandbox };
      if (final && !killedFor) {
        if (!final.ok && final.failure.code === 'MODEL_MEMORY_LIMIT') {
          return resolve({ ok: false, failure: { ...final.failure, message: memoryMessage(limits.memoryMb, peakMemoryMb) }, ...measured });
        }
        return resolve({ ...final, ...measured });
      }
      resolve({ ok: false, failure: killedFor ?? exitFailure(code, signal, ready, stderrTail, limits, peakMemoryMb, threads), ...measured });
    };
    child.once('exit', finish);
    child.once('error', (error) => {
      killedFor ??= { owner: 'platform', code: 'SANDBOX_FAILED', message: `the inference process failed: ${error.message}` };
      launch.kill();
      finish(null, null);
    });
  });
}

/** Why a child ended without a result: bubblewrap exits with 128 + the signal that killed the command. */
function exitFailure(code: number | null, signal: NodeJS.Signals | null, ready: boolean, stderr: string, limits: SandboxLimits, peakMb: number, threads: number): ChildFailure {
  const lastLines = stderr.trim().split('\n').slice(-3).join(' | ');
  if (!ready && /^bwrap:|setpriv:|prlimit:/m.test(stderr)) {
    return { owner: 'platform', code: 'SANDBOX_UNAVAILABLE', message: new SandboxUnavailable(lastLines).message };
  }
  if (OUT_OF_MEMORY.test(stderr)) return { owner: 'team', code: 'MODEL_MEMORY_LIMIT', message: memoryMessage(limits.memoryMb, peakMb) };
  if (signal === 'SIGXCPU' || code === 128 + 24) {
    const cpuSeconds = limits.cpuSeconds ?? Math.ceil(limits.timeoutMs / 1000) * threads + 5;
    return { owner: 'team', code: 'MODEL_TIME_LIMIT', message: `the model used more than ${cpuSeconds} s of CPU time, the phase's limit per case; use fewer patches (less overlap, a coarser spacing) or a lighter model` };
  }
  if (ready) {
    return {
      owner: 'team',
      code: 'MODEL_CRASHED',
      message: `the inference process stopped unexpectedly (${signal ? `signal ${signal}` : code !== null && code > 128 ? `signal ${code - 128}` : `exit code ${code}`}) while running the model, possibly out of memory or an onnxruntime fault on this model`,
    };
  }
  return { owner: 'platform', code: 'SANDBOX_FAILED', message: `the inference process could not start (${signal ?? `exit code ${code}`}): ${lastLines}` };
}
