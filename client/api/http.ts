/**
 * The one way the client talks JSON to the API: same-origin session cookie, the CSRF header on every request that
 * changes state, and errors turned into `ApiError` carrying the server's code, message and details.
 */
import type { ErrorBody, HttpErrorCode, Problem } from './types.ts';

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

/** A problem listed in a 422's details: per case, file or field (the contract's Problem). */
export type ProblemDetail = Problem;

/** Codes the client gives failures it sees itself, with no answer from the server to carry a code. */
export type ClientErrorCode = 'ABORTED' | 'CONNECTION_LOST' | 'STALLED' | 'BAD_RESPONSE';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode | ClientErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Per-case or per-field problems, when the server listed them. */
  get problems(): ProblemDetail[] {
    return Array.isArray(this.details) ? (this.details as ProblemDetail[]) : [];
  }
}

/** Builds an ApiError from a response body (JSON `{ error: { code, message, details } }` or anything else). */
export function errorFromBody(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (body.error?.code) return new ApiError(status, body.error.code, body.error.message ?? body.error.code, body.error.details);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', `the server answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') Object.assign(headers, csrfHeader());
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'UNAVAILABLE', 'the platform cannot be reached; check your connection and try again');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!response.ok) throw errorFromBody(response.status, text);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown = {}) => request<T>('PATCH', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

/** Binary GET (the viewer's meshes and volumes; the browser undoes the gzip Content-Encoding). */
export async function getBinary(path: string, signal?: AbortSignal): Promise<ArrayBuffer> {
  const response = await fetch(path, { credentials: 'same-origin', signal });
  if (!response.ok) throw errorFromBody(response.status, await response.text());
  return response.arrayBuffer();
}
