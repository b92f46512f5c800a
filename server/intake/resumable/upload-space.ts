/**
 * Room for uploads: a new resumable upload is refused at once (507) when the scratch folder's filesystem cannot
 * hold it together with the bytes already promised to unfinished uploads, instead of failing at 90 %. A disk that
 * fills anyway (other writers, multipart uploads) answers 507 when the write fails (ENOSPC).
 */
import { statfs } from 'node:fs/promises';
import { AppError } from '../../errors.ts';
import { formatBytes } from '../received-upload.ts';

/** Kept free for everything else on the disk (the database, logs, archive extraction of small uploads). */
export const SPACE_MARGIN_BYTES = 64 * 2 ** 20;

export async function freeBytes(dir: string): Promise<number> {
  const info = await statfs(dir);
  return info.bavail * info.bsize;
}

export async function requireRoomFor(dir: string, lengthBytes: number, promisedBytes: number): Promise<void> {
  const free = await freeBytes(dir);
  if (lengthBytes + promisedBytes + SPACE_MARGIN_BYTES > free) {
    throw new AppError(
      'INSUFFICIENT_STORAGE',
      `the platform has no room for this upload now: it needs ${formatBytes(lengthBytes)}, the upload space has ${formatBytes(free)} free of which ${formatBytes(promisedBytes)} are promised to unfinished uploads; nothing was stored — try later and tell the organisers`,
    );
  }
}

/** A write that hit a full disk, as the platform's error. */
export function isOutOfSpace(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
