/**
 * Errors as values with a code, so the CLI, the API and the UI can all say the same clear thing.
 * Each code names a problem with the input (the caller's to fix) unless it says otherwise.
 */
export type EvaluatorErrorCode =
  | 'FILE_NOT_FOUND'
  | 'UNSUPPORTED_FORMAT'
  | 'UNREADABLE_IMAGE'
  | 'TRUNCATED_IMAGE'
  | 'WRONG_DIMENSION'
  | 'TOO_MANY_VOXELS'
  | 'GEOMETRY_MISMATCH'
  | 'EMPTY_GOLD_STANDARD'
  | 'BAD_PREPARED_GOLD'
  | 'BAD_ARGUMENTS';

export class EvaluatorError extends Error {
  readonly code: EvaluatorErrorCode;
  constructor(code: EvaluatorErrorCode, message: string) {
    super(message);
    this.name = 'EvaluatorError';
    this.code = code;
  }
}
