/**
 * The conditional part of a release file download, decided the same way whether the bytes are streamed
 * (send-release-file.ts) or the client is sent to the store (redirect-release-file.ts): a matching If-None-Match
 * (or `*`) is "not modified"; otherwise the Range (byte-range.ts), applied only while If-Range names the file's
 * strong ETag; a Range wholly past the end is refused here with 416 and a Content-Range that names the size.
 */
import type { Request, Response } from 'express';
import { AppError } from '../errors.ts';
import { decideRange, ifRangeHolds, type RangeDecision } from './byte-range.ts';

export type DownloadCondition =
  | { readonly notModified: true }
  | { readonly notModified: false; readonly decision: Exclude<RangeDecision, { kind: 'unsatisfiable' }> };

export function downloadCondition(req: Request, res: Response, etag: string, size: number): DownloadCondition {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) return { notModified: true };
  const rangeHeader = req.headers.range;
  let decision = decideRange(rangeHeader, size);
  const ifRange = req.headers['if-range'];
  if (decision.kind !== 'whole' && !ifRangeHolds(typeof ifRange === 'string' ? ifRange : undefined, etag)) decision = { kind: 'whole' };
  if (decision.kind === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${size}`);
    throw new AppError('RANGE_NOT_SATISFIABLE', `the file has ${size} bytes; Range "${rangeHeader}" asks for none of them`);
  }
  return { notModified: false, decision };
}
