/**
 * The pre-upload check: the same two halves as the server's validation, run on the headers the browser has read —
 * file names → cases with the server's own matcher (contract/submission-files/match-files.ts), then each case file's
 * geometry against its CT with the evaluator's own comparison (evaluator/io/check-geometry.ts). Sentences are
 * the server's, word for word, so a problem reads the same before and after an upload. Pure.
 *
 * What it cannot see before the upload: the voxel values (binary mask or not), archive contents and the quota;
 * the server still checks everything.
 */
import type { ImageGeometry } from '../../evaluator/io/image-volume.ts';
import { geometryMismatches } from '../../evaluator/io/check-geometry.ts';
import { archiveExtension } from '../../contract/submission-files/case-file-names.ts';
import { matchFilesToCases } from '../../contract/submission-files/match-files.ts';
import type { SubmissionProblem } from '../../contract/submission-files/submission-problems.ts';

export interface CaseGeometry {
  readonly name: string;
  /** null where the phase hides its CTs (a model phase): nothing to check a mask against. */
  readonly geometry: ImageGeometry | null;
}

/** What reading one file's header gave: its geometry, or why it could not be read. */
export type HeaderResult = { geometry: ImageGeometry } | { error: string };

export interface NameCheck {
  /** case name → the file chosen for it (exactly one supported file). */
  readonly fileOfCase: Map<string, string>;
  readonly problems: SubmissionProblem[];
}

export function isArchive(fileName: string): boolean {
  return archiveExtension(fileName) !== undefined;
}

/** Step 1, names only (instant): which file is which case, and what is wrong with the set. */
export function checkNames(cases: readonly CaseGeometry[], fileNames: readonly string[]): NameCheck {
  const { single, problems } = matchFilesToCases(
    cases.map((c) => c.name),
    fileNames.map((name) => ({ name, path: name })),
  );
  return { fileOfCase: new Map([...single].map(([caseName, file]) => [caseName, file.name])), problems: [...problems] };
}

/** Step 2, per case: the header read from its file compared with the case's CT, phrased as the server does. */
export function checkHeader(caseName: string, ct: ImageGeometry, fileName: string, header: HeaderResult): SubmissionProblem[] {
  const sentences =
    'error' in header ? [`file "${fileName}" could not be read: ${header.error}`] : geometryMismatches(ct, header.geometry, 'the CT');
  return sentences.map((problem) => ({ case: caseName, file: fileName, problem: `case ${caseName}: ${problem}` }));
}

/** Both steps, given the headers already read (by file name): every problem, as the server would list them. */
export function precheckSubmission(
  cases: readonly CaseGeometry[],
  fileNames: readonly string[],
  headers: ReadonlyMap<string, HeaderResult>,
): SubmissionProblem[] {
  const names = checkNames(cases, fileNames);
  const problems = [...names.problems];
  for (const c of cases) {
    const fileName = names.fileOfCase.get(c.name);
    const header = fileName === undefined ? undefined : headers.get(fileName);
    if (fileName !== undefined && header && c.geometry) problems.push(...checkHeader(c.name, c.geometry, fileName, header));
  }
  return problems;
}
