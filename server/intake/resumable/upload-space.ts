/**
 * Room for uploads: a new upload (multipart or resumable) is refused at once (507) when the scratch folder's
 * filesystem cannot hold it together with the bytes already promised to the same team's unfinished uploads and
 * still keep the reserve (UPLOAD_RESERVE_BYTES) free, instead of failing at 90 %. Other teams' promises are not
 * counted: they cannot make this upload fail (they are bounded per team, team-upload-budget.ts). A disk that fills
 * anyway (other writers) answers 507 when the write fails (ENOSPC).
 */
import { statfs } from 'node:fs/promises';
import { AppError } from '../../errors.ts';
import { formatBytes } from '../received-upload.ts';

export async function freeBytes(dir: string): Promise<number> {
  const info = await statfs(dir);
  return info.bavail * info.bsize;
}

export async function requireRoomFor(dir: string, lengthBytes: number, promisedBytes: number, reserveBytes: number): Promise<void> {
  const free = await freeBytes(dir);
  if (lengthBytes + promisedBytes + reserveBytes > free) {
    throw new AppError(
      'INSUFFICIENT_STORAGE',
      `the platform has no room for this upload now: it needs ${formatBytes(lengthBytes)}, the upload space has ${formatBytes(free)} free of which ${formatBytes(promisedBytes)} are promised to your team's unfinished uploads and ${formatBytes(reserveBytes)} kept in reserve; nothing was stored — try later and tell the organisers`,
    );
  }
}

/** A write that hit a full disk, as the platform's error. */
export function isOutOfSpace(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
