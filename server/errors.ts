/**
 * The one catalogue of API error codes: each with its HTTP status and what the caller can do about it. Services
 * throw `AppError(code, message)`; the error middleware turns it into `{ error: { code, message, details? } }`.
 * docs/api.md lists the same codes (a test keeps the two in sync).
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, hint: 'the request body or query is malformed; the message says which field' },
  VALIDATION_FAILED: { status: 422, hint: 'the submitted files or values were checked and rejected; details list every problem' },
  UNAUTHENTICATED: { status: 401, hint: 'log in, or send a valid API token as "Authorization: Bearer <token>"' },
  INVALID_CREDENTIALS: { status: 401, hint: 'e-mail or password is wrong' },
  CSRF_FAILED: { status: 403, hint: 'browser requests that change state must send the X-CSRF-Token header from /api/auth/me' },
  FORBIDDEN: { status: 403, hint: 'your account does not have the role this action needs' },
  NOT_FOUND: { status: 404, hint: 'no such resource, or it is not visible to you' },
  CONFLICT: { status: 409, hint: 'the resource exists already or is in a state that does not allow this' },
  PHASE_CLOSED: { status: 409, hint: 'the phase is not open for submissions now; see its open and close times' },
  QUOTA_EXCEEDED: { status: 429, hint: 'the team has used its submissions; the message says when the next one frees up' },
  RATE_LIMITED: { status: 429, hint: 'too many attempts; wait a minute and try again' },
  PAYLOAD_TOO_LARGE: { status: 413, hint: 'the upload exceeds the size limit given in the message' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, hint: 'send multipart/form-data for uploads and application/json otherwise' },
  INSUFFICIENT_STORAGE: { status: 507, hint: 'the platform is out of upload space; try later and tell the organisers' },
  INTERNAL: { status: 500, hint: 'a platform fault; it has been logged' },
  UNAVAILABLE: { status: 503, hint: 'the platform is starting or shutting down; retry shortly' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

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
