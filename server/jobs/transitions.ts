/**
 * The state machines of evaluations and model runs: every status change the platform makes, as one table per
 * kind. Each named transition lists the states it may start from and the states it may end in; `new` stands for
 * a row being inserted. The status writer (status-writer.ts) guards every statement with this table and refuses
 * anything else with an IllegalTransitionError, so a status can only move the way this file says.
 *
 * Evaluation: new → queued → running → done | failed. A retried platform fault goes back to queued; a job whose
 * worker died finds its row still running and starts it again. In a model phase the evaluation is running while
 * the model infers, then queued again for scoring. Publishing a re-evaluation copies a candidate's outcome (done
 * or failed) onto the published row.
 * Model run: new → queued → running → done | failed, with the same retry and restart rules.
 */

export const EVALUATION_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATES)[number];
export const MODEL_RUN_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type ModelRunStatus = (typeof MODEL_RUN_STATES)[number];

/** The state of a row that does not exist yet. */
export const NEW = 'new';
type From<S extends string> = S | typeof NEW;

export interface Transition<S extends string> {
  readonly from: readonly From<S>[];
  readonly to: readonly S[];
  /** When it happens. */
  readonly when: string;
}

export const EVALUATION_TRANSITIONS = {
  create: { from: [NEW], to: ['queued'], when: 'a submission is accepted, a model run is planned, or a re-evaluation creates its candidates' },
  start: { from: ['queued', 'running'], to: ['running'], when: 'a worker starts scoring (running again: the job of a worker that died, retried)' },
  infer: { from: ['queued', 'running'], to: ['running'], when: 'a model phase: the model starts inferring the mask of this case' },
  inferred: { from: ['queued', 'running'], to: ['queued'], when: 'a model phase: the mask exists and waits for scoring' },
  retry: { from: ['queued', 'running'], to: ['queued'], when: 'a platform fault that the queue will retry' },
  finish: { from: ['running'], to: ['done'], when: 'the case is scored' },
  fail: { from: ['queued', 'running'], to: ['failed'], when: 'a bad prediction, a failed model run, a missing gold standard, or retries exhausted' },
  publish: { from: [NEW, 'done', 'failed'], to: ['done', 'failed'], when: 'an organiser publishes a re-evaluation: the candidate outcome replaces the published one' },
} as const satisfies Record<string, Transition<EvaluationStatus>>;

export const MODEL_RUN_TRANSITIONS = {
  create: { from: [NEW], to: ['queued'], when: 'a model submission is accepted: one run per hidden case' },
  start: { from: ['queued', 'running'], to: ['running'], when: 'a worker starts the model (running again: the job of a worker that died, retried)' },
  retry: { from: ['queued', 'running'], to: ['queued'], when: 'a platform fault that the queue will retry' },
  finish: { from: ['running'], to: ['done'], when: 'the model wrote its mask' },
  fail: { from: ['queued', 'running'], to: ['failed'], when: 'the model broke a limit or failed, or retries were exhausted' },
} as const satisfies Record<string, Transition<ModelRunStatus>>;

export const TRANSITIONS = { evaluation: EVALUATION_TRANSITIONS, model_run: MODEL_RUN_TRANSITIONS } as const;
export type RowKind = keyof typeof TRANSITIONS;
export type EventOf<K extends RowKind> = keyof (typeof TRANSITIONS)[K] & string;
type StatusOf<K extends RowKind> = K extends 'evaluation' ? EvaluationStatus : ModelRunStatus;

const TABLE_OF: { [K in RowKind]: string } = { evaluation: 'evaluations', model_run: 'model_runs' };

export class IllegalTransitionError extends Error {
  readonly code = 'ILLEGAL_TRANSITION';
  constructor(
    readonly kind: RowKind,
    readonly event: string,
    readonly from: string | undefined,
    readonly to: string | undefined,
    readonly rowId?: number,
  ) {
    const transition = transitionOf(kind, event);
    const row = rowId === undefined ? kind.replace('_', ' ') : `${kind.replace('_', ' ')} ${rowId}`;
    super(
      from === undefined
        ? `${row}: cannot ${event}, the row does not exist (${TABLE_OF[kind]})`
        : `${row}: illegal status transition ${from} → ${to ?? transition?.to.join('|') ?? '?'} (${event}); ` +
            (transition ? `${event} is allowed only from ${transition.from.join(', ')} to ${transition.to.join(', ')}` : `there is no transition named ${event}`),
    );
    this.name = 'IllegalTransitionError';
  }
}

export function transitionOf<K extends RowKind>(kind: K, event: string): Transition<StatusOf<K>> | undefined {
  return (TRANSITIONS[kind] as Record<string, Transition<StatusOf<K>>>)[event];
}

/** Whether `event` may move a row of `kind` from `from` (NEW for an insert) to `to`. */
export function allows(kind: RowKind, event: string, from: string, to: string): boolean {
  const transition = transitionOf(kind, event);
  return !!transition && (transition.from as readonly string[]).includes(from) && (transition.to as readonly string[]).includes(to);
}

/** Whether any transition moves a row of `kind` from `from` to `to`. */
export function isAllowed(kind: RowKind, from: string, to: string): boolean {
  return Object.keys(TRANSITIONS[kind]).some((event) => allows(kind, event, from, to));
}

/** Throws IllegalTransitionError unless `event` may move the row from `from` to `to`. */
export function checkTransition(kind: RowKind, event: string, from: string, to: string, rowId?: number): void {
  if (!allows(kind, event, from, to)) throw new IllegalTransitionError(kind, event, from, to, rowId);
}

/** The states a transition may start from among existing rows (for the writer's `where status = any(…)`). */
export function existingFrom(kind: RowKind, event: string): string[] {
  const transition = transitionOf(kind, event);
  if (!transition) throw new IllegalTransitionError(kind, event, 'any', undefined);
  return transition.from.filter((s) => s !== NEW);
}
