/**
 * tus core: HEAD reports the offset, PATCH appends bytes at it, DELETE (termination) removes the upload. Each
 * takes the upload's lock (upload-locks.ts); the part file's size is the offset.
 */
import type { Request } from 'express';
import type { AppDeps } from '../../app-deps.ts';
import type { UserRow } from '../../auth/store.ts';
import { AppError } from '../../errors.ts';
import { formatBytes } from '../received-upload.ts';
import { expiryFromNow } from './expire-uploads.ts';
import { appendToPart, partSize, removePart } from './part-files.ts';
import { UploadLocks } from './upload-locks.ts';
import { isOutOfSpace } from './upload-space.ts';
import { deleteUploads, recordProgress, uploadOfUser, type UploadRow } from './upload-store.ts';

const locks = new UploadLocks();

/** The caller's upload; 404 for anyone else's, an unknown one, or one that expired (whose remains go now). */
export async function requireOwnUpload(deps: AppDeps, id: string, user: UserRow): Promise<UploadRow> {
  const row = await uploadOfUser(deps.db, id, user.id);
  if (!row) {
    await deps.db.query('delete from resumable_uploads where id = $1 and expires_at <= now() and user_id = $2', [id, user.id]).then(async (r) => {
      if (r.rowCount) await removePart(deps.storage.scratchDir, id);
    });
    throw new AppError('NOT_FOUND', `no upload ${id.slice(0, 64)} visible to you (uploads expire 24 h after their last PATCH)`);
  }
  return row;
}

function requireUnclaimed(row: UploadRow): void {
  if (row.claimed_until && row.claimed_until > new Date()) {
    throw new AppError('CONFLICT', `upload ${row.id} is being turned into a submission right now; wait for that request to finish`);
  }
}

/** The bytes held; an upload whose part file vanished (scratch folder wiped) is removed and reported gone. */
async function heldBytes(deps: AppDeps, row: UploadRow): Promise<number> {
  const size = await partSize(deps.storage.scratchDir, row.id);
  if (size === undefined) {
    await deleteUploads(deps.db, [row.id]);
    throw new AppError('NOT_FOUND', `the bytes of upload ${row.id} are gone from the server; create the upload again`);
  }
  return size;
}

export async function currentOffset(deps: AppDeps, row: UploadRow): Promise<number> {
  const release = await locks.acquire(row.id);
  try {
    return await heldBytes(deps, row);
  } finally {
    release();
  }
}

export interface PatchRequest {
  readonly offset: number;
  readonly sha256?: Buffer;
}

export interface PatchResult {
  readonly row: UploadRow;
  readonly received: number;
}

export async function appendChunk(deps: AppDeps, row: UploadRow, req: Request, patch: PatchRequest): Promise<PatchResult> {
  requireUnclaimed(row);
  const release = await locks.acquire(row.id, () => req.destroy());
  try {
    const held = await heldBytes(deps, row);
    if (patch.offset !== held) {
      throw new AppError('CONFLICT', `Upload-Offset is ${patch.offset} but the server holds ${held} bytes of this upload; ask HEAD for the offset and send from there`);
    }
    const left = row.length_bytes - held;
    const declared = Number(req.get('content-length') ?? NaN);
    if (declared > left) {
      throw new AppError('PAYLOAD_TOO_LARGE', `this PATCH declares ${declared} bytes but the upload has ${left} left of its ${row.length_bytes} (Upload-Length at creation)`);
    }
    const result = await appendToPart(deps.storage.scratchDir, row.id, req, { offset: held, maxBytes: left, sha256: patch.sha256 });
    const updated = await recordProgress(deps.db, row.id, result.offset, expiryFromNow());
    if (result.error) {
      if (result.error instanceof AppError) throw result.error;
      if (isOutOfSpace(result.error)) {
        throw new AppError('INSUFFICIENT_STORAGE', `the platform ran out of upload space at byte ${result.offset} of ${formatBytes(row.length_bytes)}; the bytes received are kept until the upload expires — resume later, or DELETE it, and tell the organisers`);
      }
      // the client went away (nobody hears this answer); the bytes that arrived are kept for the resume
      throw new AppError('BAD_REQUEST', `the body ended early at byte ${result.offset} (the connection closed); the bytes received are kept — ask HEAD for the offset and resume`);
    }
    return { row: updated, received: result.offset - held };
  } finally {
    release();
  }
}

export async function terminateUpload(deps: AppDeps, row: UploadRow): Promise<void> {
  requireUnclaimed(row);
  const release = await locks.acquire(row.id);
  try {
    await deleteUploads(deps.db, [row.id]);
    await removePart(deps.storage.scratchDir, row.id);
  } finally {
    release();
  }
}
