/** Raw tus 1.0.0 requests for the tests, with a Bearer token (the protocol seen byte for byte, no client library). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export interface TusReply {
  status: number;
  headers: Headers;
  body: any;
}

export class TusClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async request(method: string, path: string, headers: Record<string, string> = {}, body?: RequestInit["body"], signal?: AbortSignal): Promise<TusReply> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'tus-resumable': '1.0.0', ...headers },
      body,
      signal,
      ...(body ? { duplex: 'half' } : {}),
    } as RequestInit);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
  }

  /** POST /api/uploads; returns the reply and the upload's path (Location). */
  async create(phaseId: number, fileName: string, length: number, extra: Record<string, string> = {}): Promise<TusReply & { path: string }> {
    const reply = await this.request('POST', '/api/uploads', {
      'upload-length': String(length),
      'upload-metadata': `phase ${b64(String(phaseId))},filename ${b64(fileName)}`,
      ...extra,
    });
    return { ...reply, path: reply.headers.get('location') ?? '' };
  }

  async offset(path: string): Promise<number> {
    const reply = await this.request('HEAD', path);
    if (reply.status !== 200) throw new Error(`HEAD ${path}: ${reply.status}`);
    return Number(reply.headers.get('upload-offset'));
  }

  patch(path: string, offset: number, body: RequestInit["body"], headers: Record<string, string> = {}, signal?: AbortSignal): Promise<TusReply> {
    return this.request('PATCH', path, { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), ...headers }, body, signal);
  }

  /** Creates and sends a whole file in one PATCH; returns the upload id. */
  async uploadFile(phaseId: number, path: string, fileName: string): Promise<string> {
    const bytes = readFileSync(path);
    const created = await this.create(phaseId, fileName, bytes.length);
    if (created.status !== 201) throw new Error(`create ${fileName}: ${created.status} ${JSON.stringify(created.body)}`);
    const patched = await this.patch(created.path, 0, bytes);
    if (patched.status !== 204) throw new Error(`patch ${fileName}: ${patched.status} ${JSON.stringify(patched.body)}`);
    return created.body.upload.id;
  }
}

export function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
