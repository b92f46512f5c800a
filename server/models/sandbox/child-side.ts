/**
 * The child's half of run-sandboxed.ts: say "ready", take one request, run the handler, send its result or a
 * classified failure, exit. A child whose parent goes away exits at once (no orphaned inference).
 */
import { EvaluatorError } from '../../../evaluator/index.ts';
import { InferenceError } from '../../../evaluator/index.ts';
import { ModelProblem } from '../onnx/onnx-inspect.ts';
import type { ChildFailure, ChildMessage, ChildRequest } from './child-messages.ts';

/** An allocation refused under the sandbox's memory limit (V8, onnxruntime, libc), whatever threw it. */
const OUT_OF_MEMORY = /allocation failed|out of memory|bad_alloc|cannot allocate memory|failed to allocate/i;

/** A problem of the team's model found by the platform's checks (manifest mismatch, shapes). */
export class TeamModelError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TeamModelError';
  }
}

function classify(error: unknown): ChildFailure {
  const text = error instanceof Error ? error.message : String(error);
  // the parent rewrites the message with the phase's limit and the peak it measured
  if (OUT_OF_MEMORY.test(text)) return { owner: 'team', code: 'MODEL_MEMORY_LIMIT', message: 'the model ran out of memory' };
  if (error instanceof ModelProblem || error instanceof InferenceError || error instanceof TeamModelError) {
    return { owner: 'team', code: error.code, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof EvaluatorError) return { owner: 'platform', code: error.code, message };
  return { owner: 'platform', code: 'PLATFORM_ERROR', message };
}

function send<R>(message: ChildMessage<R>): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

export type Progress = (done: number, total: number) => void;

/** How the child may run: onnxruntime's intra-op threads (the sandbox's CPU budget). */
export interface ChildContext {
  readonly threads: number;
}

export function serveOnce<Request, Result>(handler: (request: Request, progress: Progress, context: ChildContext) => Promise<Result>): void {
  if (!process.send) throw new Error('this script runs as a sandboxed child process (server/models/sandbox/run-sandboxed.ts)');
  process.on('disconnect', () => process.exit(1));
  let lastProgress = 0;
  const progress: Progress = (done, total) => {
    const now = performance.now();
    if (done < total && now - lastProgress < 250) return;
    lastProgress = now;
    void send({ type: 'progress', done, total });
  };
  process.once('message', async ({ request, threads }: ChildRequest<Request>) => {
    let outcome: ChildMessage<Result>;
    try {
      outcome = { type: 'result', result: await handler(request, progress, { threads }) };
    } catch (error) {
      outcome = { type: 'failure', failure: classify(error) };
    }
    await send(outcome);
    process.exit(0);
  });
  void send({ type: 'ready' });
}
