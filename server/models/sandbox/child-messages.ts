/** What a sandboxed child process and its parent say to each other over the IPC channel. */

/** Whose fault a failure is: the team's model, or the platform. */
export interface ChildFailure {
  readonly owner: 'team' | 'platform';
  readonly code: string;
  readonly message: string;
}

export type ChildMessage<Result> =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly result: Result }
  | { readonly type: 'failure'; readonly failure: ChildFailure };

/** What the parent sends once the child is ready: the job, and how many threads onnxruntime may use. */
export interface ChildRequest<Request> {
  readonly request: Request;
  readonly threads: number;
}
