/**
 * Sends one release file as HTTP wants it for large downloads: `Accept-Ranges: bytes`, a strong ETag from the
 * sha256, `304` for a matching If-None-Match, a single Range as `206` (If-Range honoured), `416` past the end,
 * and the body streamed from the store (constant memory, whatever the size). Resolves with the number of body
 * bytes handed to the connection and the Range asked for, whether the transfer finished or was cut.
 */
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Storage } from '../storage/storage.ts';
import { downloadCondition } from './conditional-download.ts';

export interface SentFile {
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
}

export interface Transfer {
  readonly bytesSent: number;
  readonly range: string | null;
  readonly complete: boolean;
}

/** `attachment; filename="…"; filename*=UTF-8''…` with the name made safe for a quoted string. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function sendReleaseFile(req: Request, res: Response, storage: Storage, file: SentFile): Promise<Transfer> {
  const etag = `"${file.sha256}"`;
  const rangeHeader = req.headers.range ?? null;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  const condition = downloadCondition(req, res, etag, file.size);
  if (condition.notModified) {
    res.status(304).end();
    return { bytesSent: 0, range: rangeHeader, complete: true };
  }
  const { decision } = condition;
  res.setHeader('Content-Disposition', attachmentHeader(file.name));
  res.type('application/octet-stream');
  const range = decision.kind === 'partial' ? { start: decision.start, end: decision.end } : undefined;
  const length = range ? range.end - range.start + 1 : file.size;
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
  } else res.status(200);
  res.setHeader('Content-Length', String(length));
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return { bytesSent: 0, range: rangeHeader, complete: true };
  }
  const source = await storage.readBlob(file.sha256, range);
  // counted as read and piped straight to the socket (no transform in the way); on a cut, what is still buffered
  // in the response was never sent
  let counted = 0;
  source.on('data', (chunk: Buffer) => {
    counted += chunk.length;
  });
  try {
    await pipeline(source, res);
    return { bytesSent: counted, range: rangeHeader, complete: true };
  } catch {
    return { bytesSent: Math.max(0, counted - res.writableLength), range: rangeHeader, complete: false };
  }
}
