/**
 * How validation reports: every problem found, each naming its case and/or file, in one 422 whose message
 * summarises them ("3 problems: case ATM_164: size 512x512x300 does not match the CT's 512x512x301; ...").
 * Warnings do not stop a submission; they are stored with it and shown.
 */
import { AppError } from '../errors.ts';

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

/** The message lists this many problems; `details` has them all. */
const SUMMARISED = 10;

export function validationFailed(problems: readonly SubmissionProblem[]): AppError {
  const n = problems.length;
  const listed = problems.slice(0, SUMMARISED).map((p) => p.problem);
  const more = n > SUMMARISED ? `; and ${n - SUMMARISED} more (see details)` : '';
  return new AppError('VALIDATION_FAILED', `${n} problem${n === 1 ? '' : 's'}: ${listed.join('; ')}${more}`, problems);
}
