/**
 * Abandoned uploads do not fill the disk: an upload untouched until its Upload-Expires (24 h after its last
 * PATCH) is removed, row and bytes. The sweep runs at most every few minutes, started by new uploads (no timer
 * of its own, so nothing runs in a process that takes no uploads); a request for an expired upload gets 404 at
 * once anyway. Part files left without a row (a crash between the two) go too.
 */
import { logEvent } from '../../../evaluator/index.ts';
import type { AppDeps } from '../../app-deps.ts';
import { removePart, strayParts } from './part-files.ts';
import { deleteUploads, existingUploadIds, expiredUploadIds } from './upload-store.ts';

export const UPLOAD_EXPIRY_MS = 24 * 3600 * 1000;
const SWEEP_EVERY_MS = 5 * 60 * 1000;
/** A part file without a row is left alone this long (its row may be committing right now). */
const STRAY_AFTER_MS = 3600 * 1000;

export function expiryFromNow(): Date {
  return new Date(Date.now() + UPLOAD_EXPIRY_MS);
}

/** Removes every expired upload and stray part file; returns the ids removed. */
export async function removeExpiredUploads(deps: Pick<AppDeps, 'db' | 'storage'>): Promise<string[]> {
  const expired = await expiredUploadIds(deps.db);
  for (const id of expired) {
    await deleteUploads(deps.db, [id]);
    await removePart(deps.storage.scratchDir, id);
  }
  const stray = await strayParts(deps.storage.scratchDir, (ids) => existingUploadIds(deps.db, ids), STRAY_AFTER_MS);
  for (const id of stray) await removePart(deps.storage.scratchDir, id);
  if (expired.length || stray.length) logEvent('info', 'expired uploads removed', { expired: expired.length, stray: stray.length });
  return [...expired, ...stray];
}

/** Starts a sweep in the background unless one ran recently. */
export class ExpirySweeper {
  private lastRun = 0;
  private running?: Promise<unknown>;
  constructor(private readonly deps: Pick<AppDeps, 'db' | 'storage'>) {}

  poke(): void {
    if (this.running || Date.now() - this.lastRun < SWEEP_EVERY_MS) return;
    this.lastRun = Date.now();
    this.running = removeExpiredUploads(this.deps)
      .catch((error) => logEvent('warn', 'removing expired uploads failed', { reason: (error as Error).message }))
      .finally(() => (this.running = undefined));
  }
}
