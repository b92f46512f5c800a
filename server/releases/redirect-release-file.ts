/**
 * Sends one release file by sending the client to the object store: `302 Found` to a presigned GetObject URL that
 * lives a few minutes and names the file (response-content-disposition) and its type, so the bytes flow from the
 * store, not through the server. The client then asks the store for a Range itself (S3 honours it). Decided here,
 * before the URL is made: a matching If-None-Match is a 304, a Range wholly past the end a 416. Resolves with what
 * the URL grants for the access log: the bytes of the Range asked of the server (If-Range honoured), else the whole
 * file — the transfer itself is the store's, and only the store's own log sees it. `record` is awaited before the
 * reply goes out, so no URL leaves the server unless its access was logged.
 */
import type { Request, Response } from 'express';
import type { Storage } from '../storage/storage.ts';
import { downloadCondition } from './conditional-download.ts';
import { attachmentHeader, type SentFile, type Transfer } from './send-release-file.ts';

export async function redirectReleaseFile(req: Request, res: Response, storage: Storage, file: SentFile, expiresInS: number, record: (transfer: Transfer) => Promise<void>): Promise<void> {
  if (!storage.blobDownloadUrl) throw new Error('this storage driver cannot make download URLs');
  const etag = `"${file.sha256}"`;
  const rangeHeader = req.headers.range ?? null;
  res.setHeader('Cache-Control', 'no-store');
  const condition = downloadCondition(req, res, etag, file.size);
  if (condition.notModified) {
    await record({ bytesSent: 0, range: rangeHeader, complete: true });
    res.setHeader('ETag', etag);
    res.status(304).end();
    return;
  }
  const { decision } = condition;
  const url = await storage.blobDownloadUrl(file.sha256, {
    expiresInS,
    contentDisposition: attachmentHeader(file.name),
    contentType: 'application/octet-stream',
  });
  const granted = decision.kind === 'partial' ? decision.end - decision.start + 1 : file.size;
  await record({ bytesSent: granted, range: rangeHeader, complete: true });
  res.status(302).setHeader('Location', url);
  res.end();
}
