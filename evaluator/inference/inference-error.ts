/**
 * What a model can get wrong while it runs, as values with a code. These are the team's to fix (the platform
 * ran their model as declared), so the message says what the model did.
 */
export type InferenceErrorCode = 'MODEL_OUTPUT_SHAPE' | 'MODEL_OUTPUT_NOT_FINITE' | 'MODEL_RUNTIME_ERROR' | 'BAD_MANIFEST';

export class InferenceError extends Error {
  readonly code: InferenceErrorCode;
  constructor(code: InferenceErrorCode, message: string) {
    super(message);
    this.name = 'InferenceError';
    this.code = code;
  }
}
