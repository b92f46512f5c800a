/**
 * Runs one job in a child process that may hold an untrusted model: Node's heap capped with
 * `--max-old-space-size`, the whole process's resident memory (onnxruntime's native buffers included) watched
 * through /proc and the process killed past the limit, a wall-clock kill, and a minimal environment. Whatever the
 * model does — loop, allocate, crash onnxruntime — only the child dies; the parent gets a `ChildFailure` saying
 * which limit was hit. One request in, progress messages, one result or failure out (child-messages.ts).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildFailure, ChildMessage } from './child-messages.ts';

const TSX_LOADER = import.meta.resolve('tsx');
const MEMORY_POLL_MS = 100;
/**
 * The only variables the child gets: where libraries and temporary files are, and which GPU it may use. Not
 * configuration (nothing here is read as a setting), just a filter, so the database URL and secrets stay out.
 */
const FORWARDED_ENVIRONMENT = ['PATH', 'HOME', 'TMPDIR', 'LD_LIBRARY_PATH', 'CUDA_VISIBLE_DEVICES'];

function childEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CARINA_LOG_LEVEL: 'warn' };
  for (const name of FORWARDED_ENVIRONMENT) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

export interface SandboxLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

export type SandboxOutcome<Result> = { readonly peakMemoryMb: number; readonly ms: number } & (
  | { readonly ok: true; readonly result: Result }
  | { readonly ok: false; readonly failure: ChildFailure }
);

/** Resident memory of a process in MB, from /proc (undefined where there is no /proc or the process is gone). */
export function residentMemoryMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function runSandboxed<Request, Result>(
  script: URL,
  request: Request,
  limits: SandboxLimits,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<SandboxOutcome<Result>> {
  const started = performance.now();
  const child = fork(fileURLToPath(script), [], {
    execArgv: ['--import', TSX_LOADER, `--max-old-space-size=${Math.max(64, limits.memoryMb)}`],
    env: childEnvironment(),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
  });
  let peakMemoryMb = 0;
  let ready = false;
  let final: { ok: true; result: Result } | { ok: false; failure: ChildFailure } | undefined;
  let killedFor: ChildFailure | undefined;
  const kill = (failure: ChildFailure) => {
    if (killedFor || final) return;
    killedFor = failure;
    child.kill('SIGKILL');
  };
  const memoryWatch = setInterval(() => {
    const rss = child.pid ? residentMemoryMb(child.pid) : undefined;
    if (rss === undefined) return;
    peakMemoryMb = Math.max(peakMemoryMb, rss);
    if (rss > limits.memoryMb) {
      kill({ owner: 'team', code: 'MODEL_MEMORY_LIMIT', message: `the model needed more than ${limits.memoryMb} MB of memory, the phase's limit per case (it reached ${Math.round(rss)} MB); use a smaller patch or a lighter model` });
    }
  }, MEMORY_POLL_MS);
  const timer = setTimeout(() => {
    kill({ owner: 'team', code: 'MODEL_TIME_LIMIT', message: `the model did not finish within ${Math.round(limits.timeoutMs / 1000)} s, the phase's time limit per case; use fewer patches (less overlap, a coarser spacing) or a lighter model` });
  }, limits.timeoutMs);
  child.on('message', (message: ChildMessage<Result>) => {
    if (message.type === 'ready') {
      ready = true;
      child.send(request as object);
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
      const ms = Math.round(performance.now() - started);
      if (final && !killedFor) return resolve({ ...final, peakMemoryMb: Math.round(peakMemoryMb), ms });
      const failure: ChildFailure = killedFor ??
        (ready
          ? {
              owner: 'team',
              code: 'MODEL_CRASHED',
              message: `the inference process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}) while running the model, possibly out of memory or an onnxruntime fault on this model`,
            }
          : { owner: 'platform', code: 'SANDBOX_FAILED', message: `the inference process could not start (${signal ?? `exit code ${code}`}): ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` });
      resolve({ ok: false, failure, peakMemoryMb: Math.round(peakMemoryMb), ms });
    };
    child.once('exit', finish);
    child.once('error', (error) => {
      killedFor ??= { owner: 'platform', code: 'SANDBOX_FAILED', message: `the inference process failed: ${error.message}` };
      child.kill('SIGKILL');
      finish(null, null);
    });
  });
}
