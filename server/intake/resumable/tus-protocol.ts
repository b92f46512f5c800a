/**
 * The tus 1.0.0 resumable-upload protocol (https://tus.io/protocols/resumable-upload), the parts Carina serves:
 * core (HEAD for the offset, PATCH to append), creation (POST with Upload-Length), termination (DELETE),
 * expiration (Upload-Expires) and checksum (Upload-Checksum with sha256, per PATCH). Header parsing lives here;
 * a malformed header is a 400 naming it.
 *
 * Two deviations, because every error goes through the platform's one catalogue (server/errors.ts): a request
 * without `Tus-Resumable: 1.0.0` gets 400 BAD_REQUEST (tus says 412), and a chunk whose checksum does not match
 * gets 400 BAD_REQUEST (tus says 460). Both still end the request without storing its bytes.
 */
import type { Request, Response } from 'express';
import { AppError } from '../../errors.ts';

export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = 'creation,termination,expiration,checksum';
export const TUS_CHECKSUM_ALGORITHMS = 'sha256';
export const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';

/** Every tus response carries the protocol version. */
export function tusResponse(res: Response): void {
  res.setHeader('Tus-Resumable', TUS_VERSION);
}

export function requireTusResumable(req: Request): void {
  const sent = req.get('tus-resumable');
  if (sent !== TUS_VERSION) {
    throw new AppError('BAD_REQUEST', sent ? `this server speaks tus ${TUS_VERSION}, not "${sent}"; send Tus-Resumable: ${TUS_VERSION}` : `send the header Tus-Resumable: ${TUS_VERSION} (this is a tus upload endpoint)`);
  }
}

/** A header holding a non-negative integer (Upload-Length, Upload-Offset); undefined when absent. */
export function integerHeader(req: Request, name: string): number | undefined {
  const raw = req.get(name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,16}$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) {
    throw new AppError('BAD_REQUEST', `${name} must be a non-negative integer number of bytes, got "${raw.slice(0, 40)}"`);
  }
  return Number(raw);
}

/** Upload-Metadata: comma-separated `key base64value` pairs (the value may be absent); keys are unique. */
export function parseMetadata(header: string | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (!header || !header.trim()) return metadata;
  for (const pair of header.split(',')) {
    const [key, value, ...rest] = pair.trim().split(' ');
    if (!key || rest.length || !/^[\x21-\x7e]+$/.test(key)) {
      throw new AppError('BAD_REQUEST', `Upload-Metadata must be "key base64value" pairs separated by commas; "${pair.trim().slice(0, 60)}" is not`);
    }
    if (key in metadata) throw new AppError('BAD_REQUEST', `Upload-Metadata names "${key}" twice`);
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
      throw new AppError('BAD_REQUEST', `the Upload-Metadata value of "${key}" is not base64`);
    }
    metadata[key] = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
  }
  return metadata;
}

export function encodeMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => (value ? `${key} ${Buffer.from(value, 'utf8').toString('base64')}` : key))
    .join(',');
}

/** Upload-Checksum: "sha256 <base64 digest>" (the only algorithm offered). */
export function parseChecksum(header: string | undefined): Buffer | undefined {
  if (header === undefined) return undefined;
  const [algorithm, digest, ...rest] = header.trim().split(' ');
  if (algorithm !== 'sha256') {
    throw new AppError('BAD_REQUEST', `Upload-Checksum algorithm "${algorithm ?? ''}" is not supported; use ${TUS_CHECKSUM_ALGORITHMS}`);
  }
  const bytes = digest && !rest.length && /^[A-Za-z0-9+/]+={0,2}$/.test(digest) ? Buffer.from(digest, 'base64') : undefined;
  if (!bytes || bytes.length !== 32) throw new AppError('BAD_REQUEST', 'Upload-Checksum must be "sha256 <base64 of the 32-byte digest of this request\'s body>"');
  return bytes;
}

/** RFC 9110 date, as tus's Upload-Expires wants. */
export function httpDate(at: Date): string {
  return at.toUTCString();
}
