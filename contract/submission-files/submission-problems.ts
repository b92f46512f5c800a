/**
 * How validation reports on the wire: every problem found, each naming its case and/or file (the `details` of a
 * 422 VALIDATION_FAILED), and the warnings that do not stop a submission but are stored with it and shown.
 * Shared by the server (server/intake/) and the browser's pre-check (client/submit/precheck.ts). Pure.
 */

export interface SubmissionProblem {
  readonly case?: string;
  readonly file?: string;
  readonly problem: string;
}

export interface SubmissionWarning {
  readonly case: string;
  readonly file: string;
  readonly warning: string;
}
