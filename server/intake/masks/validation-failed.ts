/**
 * How validation fails: every problem found (contract/submission-files/submission-problems.ts), in one 422 whose
 * message summarises them ("3 problems: case ATM_164: size 512x512x300 does not match the CT's 512x512x301; ...").
 */
import type { SubmissionProblem } from '../../../contract/submission-files/submission-problems.ts';
import { AppError } from '../../errors.ts';

/** The message lists this many problems; `details` has them all. */
const SUMMARISED = 10;

export function validationFailed(problems: readonly SubmissionProblem[]): AppError {
  const n = problems.length;
  const listed = problems.slice(0, SUMMARISED).map((p) => p.problem);
  const more = n > SUMMARISED ? `; and ${n - SUMMARISED} more (see details)` : '';
  return new AppError('VALIDATION_FAILED', `${n} problem${n === 1 ? '' : 's'}: ${listed.join('; ')}${more}`, problems);
}
