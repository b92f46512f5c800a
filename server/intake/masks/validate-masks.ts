/**
 * Validation of a whole mask submission before anything is stored: names first (every file a known case, one per
 * case, none missing, supported types), then each case's file read and compared with its CT. Every problem is
 * collected and reported at once (422 VALIDATION_FAILED); warnings travel with the accepted files.
 */
import type { ImageGeometry } from '../../../evaluator/index.ts';
import { checkCaseFile } from './check-case-file.ts';
import { validationSlots } from './validation-slots.ts';
import { matchFilesToCases, type CandidateFile } from '../../../contract/submission-files/match-files.ts';
import type { SubmissionProblem, SubmissionWarning } from '../../../contract/submission-files/submission-problems.ts';
import { validationFailed } from './validation-failed.ts';

export interface CaseToValidate {
  readonly id: number;
  readonly name: string;
  readonly geometry: ImageGeometry;
}

export interface AcceptedCaseFile {
  readonly caseId: number;
  readonly caseName: string;
  readonly file: CandidateFile;
}

export interface ValidatedSubmission {
  readonly files: AcceptedCaseFile[];
  readonly warnings: SubmissionWarning[];
}

export async function validateMasks(
  cases: readonly CaseToValidate[],
  files: readonly CandidateFile[],
  maxVoxels: number,
): Promise<ValidatedSubmission> {
  const { single, problems } = matchFilesToCases(
    cases.map((c) => c.name),
    files,
  );
  const allProblems: SubmissionProblem[] = [...problems];
  const accepted: AcceptedCaseFile[] = [];
  const warnings: SubmissionWarning[] = [];
  // one file at a time: a full-size mask is ~100 MB in memory once read
  for (const c of cases) {
    const file = single.get(c.name);
    if (!file) continue;
    const check = await validationSlots.run(() => checkCaseFile(file, c.geometry, maxVoxels));
    for (const problem of check.problems) allProblems.push({ case: c.name, file: file.name, problem: `case ${c.name}: ${problem}` });
    if (check.warning) warnings.push({ case: c.name, file: file.name, warning: `case ${c.name}: ${check.warning}` });
    if (!check.problems.length) accepted.push({ caseId: c.id, caseName: c.name, file });
  }
  if (allProblems.length) throw validationFailed(allProblems);
  return { files: accepted, warnings };
}
