/**
 * The command-line client's HTTP calls: JSON in, JSON out, a personal API token as Bearer. A reply that is not
 * 2xx becomes an `ApiFailure` carrying the server's error code and message (the platform's `{ error }` body).
 */
export class ApiFailure extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export interface ApiCall {
  baseUrl: string;
  path: string;
  method?: 'GET' | 'POST';
  token?: string;
  /** Multipart uploads; fetch sets the boundary and streams file-backed blobs. */
  form?: FormData;
  /** A JSON body (when there is no form). */
  json?: unknown;
}

export type FetchFunction = typeof fetch;

export function errorOf(status: number, text: string): ApiFailure {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code) return new ApiFailure(status, body.error.code, body.error.message ?? '', body.error.details);
  } catch {
    // not the platform's JSON error body (a proxy's page, say): report the status and the start of the text
  }
  return new ApiFailure(status, `HTTP_${status}`, text.slice(0, 200).trim() || `the server answered ${status}`);
}

export async function callApi(fetchFn: FetchFunction, call: ApiCall): Promise<unknown> {
  const url = new URL(call.path, call.baseUrl).toString();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  if (call.json !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetchFn(url, { method: call.method ?? 'GET', headers, body: call.form ?? (call.json !== undefined ? JSON.stringify(call.json) : undefined) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ApiFailure(0, 'UNREACHABLE', `cannot reach ${call.baseUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw errorOf(res.status, text);
  return text ? JSON.parse(text) : null;
}
