/**
 * Runs a rank-uncertainty bootstrap (ranking/rank-uncertainty.ts, startRankUncertainty) in steps of about
 * `stepMs`, yielding to the event loop between steps, so a worker bootstrapping a large phase keeps answering its
 * queue (pg-boss polls, other jobs' heartbeats). A run whose first samples project it past `budgetMs` logs one
 * warning with the projection, then its progress every `progressEveryMs` (JSON lines); it always runs to the
 * end: the budget decides what is logged, never what is computed.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { logEvent } from '../../evaluator/index.ts';
import type { RankUncertainty, UncertaintyRun } from '../../ranking/rank-uncertainty.ts';

type LogLevel = Parameters<typeof logEvent>[0];

export interface StepOptions {
  /** A run projected to take longer logs a warning and its progress (default 10 s). */
  readonly budgetMs?: number;
  readonly progressEveryMs?: number;
  /** About how long one step holds the event loop (default 50 ms). */
  readonly stepMs?: number;
  readonly log?: (level: LogLevel, msg: string, fields: Record<string, unknown>) => void;
}

export const UNCERTAINTY_BUDGET_MS = 10_000;

export async function runInSteps(run: UncertaintyRun, fields: Record<string, unknown>, options: StepOptions = {}): Promise<RankUncertainty> {
  const { budgetMs = UNCERTAINTY_BUDGET_MS, progressEveryMs = 10_000, stepMs = 50, log = logEvent } = options;
  const started = performance.now();
  let size = 1;
  let warned = false;
  let lastReport = started;
  for (;;) {
    const stepStarted = performance.now();
    const before = run.done;
    if (run.step(size)) break;
    const now = performance.now();
    const perSample = (now - stepStarted) / Math.max(1, run.done - before);
    size = Math.max(1, Math.floor(stepMs / Math.max(perSample, 1e-3)));
    const elapsed = now - started;
    const projectedMs = Math.round(elapsed + perSample * (run.samples - run.done));
    if (!warned && projectedMs > budgetMs) {
      warned = true;
      lastReport = now;
      log('warn', 'rank uncertainty over budget: it runs to the end and reports its progress', { ...fields, samples: run.samples, projectedMs, budgetMs });
    } else if (warned && now - lastReport >= progressEveryMs) {
      lastReport = now;
      log('info', 'rank uncertainty progress', { ...fields, done: run.done, samples: run.samples, ms: Math.round(elapsed), projectedMs });
    }
    await nextTurn();
  }
  return run.result();
}
