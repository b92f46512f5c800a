/**
 * The one catalogue of API error codes: each with its HTTP status and what the caller can do about it. Services
 * throw `AppError(code, message)`; the error middleware turns it into `{ error: { code, message, details? } }`.
 * The catalogue itself is the contract's (contract/error-codes.ts), shared with the client and docs/api.md.
 */
import { HTTP_ERRORS, type HttpErrorCode } from '../contract/error-codes.ts';

export const ERROR_CATALOGUE = HTTP_ERRORS;

export type ErrorCode = HttpErrorCode;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}
