/**
 * The second half of validation, per case: the file must be readable by the evaluator (same reader, same voxel
 * limit) and lie on the case CT's voxel grid (same size; spacing, origin, direction within the evaluator's
 * tolerance). Non-binary or empty masks pass with a warning.
 */
import { EvaluatorError, geometryMismatches, readVolume, type ImageGeometry } from '../../../evaluator/index.ts';
import { labelValues, labelWarning } from './label-values.ts';
import type { CandidateFile } from '../../../contract/submission-files/match-files.ts';

export interface CaseFileCheck {
  /** Sentences without the case prefix; empty when the file is accepted. */
  readonly problems: string[];
  readonly warning?: string;
}

/** The evaluator names the file by its path; the team knows it by its own name. */
function describeReadError(error: unknown, file: CandidateFile): string {
  if (error instanceof EvaluatorError) {
    return `file "${file.name}" could not be read (${error.code}): ${error.message.split(file.path).join(file.name)}`;
  }
  return `file "${file.name}" could not be read as an image`;
}

export async function checkCaseFile(file: CandidateFile, ctGeometry: ImageGeometry, maxVoxels: number): Promise<CaseFileCheck> {
  try {
    const header = await readVolume(file.path, { maxVoxels, headerOnly: true });
    const mismatches = geometryMismatches(ctGeometry, header, 'the CT');
    if (mismatches.length) return { problems: mismatches };
    const volume = await readVolume(file.path, { maxVoxels });
    return { problems: [], warning: labelWarning(labelValues(volume.data)) };
  } catch (error) {
    return { problems: [describeReadError(error, file)] };
  }
}
