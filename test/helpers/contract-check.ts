/**
 * Every API reply a test receives is checked against the contract: the route must be in contract/routes.ts, a
 * JSON success body must match the route's schema for that status, an error body the catalogue's ErrorBody with
 * the code's status. Drift between the server and the contract fails the test that saw it, naming the route and
 * the zod issues.
 */
import { z } from 'zod';
import { ErrorBody, HTTP_ERRORS } from '../../contract/error-codes.ts';
import { findRoute, isJsonSchema } from '../../contract/routes.ts';

export class ContractDrift extends Error {
  override readonly name = 'ContractDrift';
}

function issues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 8).map((i) => `  - ${i.path.join('.') || '(body)'}: ${i.message}${i.code === 'unrecognized_keys' ? '' : ''}`);
  return [...shown, ...(error.issues.length > 8 ? [`  … and ${error.issues.length - 8} more`] : [])].join('\n');
}

export function checkReply(method: string, path: string, reply: { status: number; headers: Headers; body: unknown; text: string }): void {
  const pathname = new URL(path, 'http://carina.invalid').pathname;
  const isJson = (reply.headers.get('content-type') ?? '').includes('json') && reply.text !== '';
  const match = findRoute(method, pathname);
  const label = match ? `${match.route.method} ${match.route.path}` : `${method.toUpperCase()} ${pathname}`;
  if (!match) {
    if (!pathname.startsWith('/api/')) return; // the client's pages and files
    const body = reply.body as { error?: { code?: string; message?: string } } | undefined;
    // the server agrees that there is no such route
    if (reply.status === 404 && body?.error?.code === 'NOT_FOUND' && body.error.message?.startsWith('no route')) return;
    throw new ContractDrift(`contract: ${label} is not in contract/routes.ts (the server answered ${reply.status})`);
  }
  if (reply.status >= 400) {
    if (!isJson) return; // HEAD and the like carry no body
    const parsed = ErrorBody.safeParse(reply.body);
    if (!parsed.success) throw new ContractDrift(`contract: ${label} answered ${reply.status} with an error body that is not { error: { code, message, details? } } with a catalogue code:\n${issues(parsed.error)}`);
    const expected = HTTP_ERRORS[parsed.data.error.code].status;
    if (expected !== reply.status) throw new ContractDrift(`contract: ${label} answered ${reply.status} with ${parsed.data.error.code}, whose status is ${expected}`);
    return;
  }
  const schema = match.route.responses[reply.status];
  if (!schema) {
    if (reply.status >= 300 && reply.status < 400) return;
    throw new ContractDrift(`contract: ${label} answered ${reply.status}; contract/routes.ts lists ${Object.keys(match.route.responses).join(', ')}`);
  }
  if (!isJsonSchema(schema)) return; // binary, CSV, Prometheus text or no body
  if (!isJson) throw new ContractDrift(`contract: ${label} answered ${reply.status} without a JSON body`);
  const parsed = schema.safeParse(reply.body);
  if (!parsed.success) throw new ContractDrift(`contract: the ${reply.status} body of ${label} does not match its schema:\n${issues(parsed.error)}`);
}
