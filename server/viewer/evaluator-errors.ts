/**
 * A build on demand that cannot read its input (a prediction that is not an image, a prepared gold standard of
 * an older format) is a state the caller can understand, not a platform fault: 409 with the evaluator's reason.
 */
import { EvaluatorError } from '../../evaluator/index.ts';
import { AppError } from '../errors.ts';

export async function withEvaluatorErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof EvaluatorError) throw new AppError('CONFLICT', `the viewer cannot show this: ${error.message}`);
    throw error;
  }
}
