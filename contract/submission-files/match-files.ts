/**
 * The first half of validation, on names alone: which file is which case, and what is wrong with the set —
 * unsupported types, names of no case, two files for one case, cases without a file. Pure.
 */
import { CaseNameMatcher, SUPPORTED_EXTENSIONS } from './case-file-names.ts';
import type { SubmissionProblem } from './submission-problems.ts';

export interface CandidateFile {
  /** As the team named it: the uploaded file name, or the path inside the archive. */
  readonly name: string;
  /** Where it lies on disk now. */
  readonly path: string;
}

export interface FileMatching {
  /** Cases with exactly one supported file. */
  readonly single: Map<string, CandidateFile>;
  readonly problems: SubmissionProblem[];
}

const LISTED_CASES = 30;

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, LISTED_CASES).join(', ');
  return names.length > LISTED_CASES ? `${shown} and ${names.length - LISTED_CASES} more` : shown;
}

export function matchFilesToCases(caseNames: readonly string[], files: readonly CandidateFile[]): FileMatching {
  const matcher = new CaseNameMatcher(caseNames);
  const byCase = new Map<string, CandidateFile[]>();
  const attempted = new Set<string>();
  const problems: SubmissionProblem[] = [];
  const formats = SUPPORTED_EXTENSIONS.join(', ');
  for (const file of files) {
    const match = matcher.match(file.name);
    if (match.kind === 'unsupported') {
      const type = match.extension ? `type "${match.extension}"` : 'no file extension';
      if (match.caseName) attempted.add(match.caseName);
      problems.push({
        ...(match.caseName ? { case: match.caseName } : {}),
        file: file.name,
        problem: `${match.caseName ? `case ${match.caseName}: ` : ''}file "${file.name}" has ${type}, which is not supported; send ${formats}`,
      });
    } else if (match.kind === 'unknown') {
      problems.push({
        file: file.name,
        problem: `file "${file.name}" does not name a case of this phase; name each file after its case (e.g. ${caseNames[0]}${match.extension}), one of: ${listNames(caseNames)}`,
      });
    } else {
      attempted.add(match.caseName);
      byCase.set(match.caseName, [...(byCase.get(match.caseName) ?? []), file]);
    }
  }
  const single = new Map<string, CandidateFile>();
  for (const [caseName, caseFiles] of byCase) {
    if (caseFiles.length === 1) {
      single.set(caseName, caseFiles[0]);
      continue;
    }
    const names = caseFiles.map((f) => `"${f.name}"`).join(', ');
    problems.push({
      case: caseName,
      file: caseFiles.map((f) => f.name).join(', '),
      problem: `case ${caseName}: ${caseFiles.length} files (${names}); send exactly one file per case`,
    });
  }
  for (const caseName of caseNames) {
    if (attempted.has(caseName)) continue;
    problems.push({ case: caseName, problem: `case ${caseName}: no file; every case of the phase needs one (e.g. ${caseName}.nii.gz)` });
  }
  return { single, problems };
}
