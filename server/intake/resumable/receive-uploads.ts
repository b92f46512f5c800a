/**
 * POST /api/phases/:id/submissions/from-uploads: finished resumable uploads become a submission through exactly
 * the path of a multipart upload (accept-upload.ts): the files are hard-linked into a fresh scratch folder under
 * the names the client gave them, as multer would have left them, and validated and accepted from there — same
 * checks, same errors, same 202. In a model phase the one upload is the .onnx file and the request body carries
 * the manifest. The uploads are claimed meanwhile (no second request can use them); on success they are removed,
 * on failure they stay (fix the other files and submit again).
 */
import { copyFile, link, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppDeps } from '../../app-deps.ts';
import type { UserRow } from '../../auth/store.ts';
import { inTransaction } from '../../db/pool.ts';
import { AppError } from '../../errors.ts';
import { acceptReceivedUpload, type AcceptedUpload } from '../accept-upload.ts';
import { openIntakeTarget, type IntakeTarget } from '../intake-target.ts';
import { recordRejectedUpload } from '../rejected-uploads.ts';
import { discardUpload, scratchName, type ReceivedUpload, type UploadedFile } from '../received-upload.ts';
import { partPath, removePart } from './part-files.ts';
import { claimUploads, deleteUploads, releaseClaims, uploadsOfUser, type UploadRow } from './upload-store.ts';

/** A claim outlives the longest validation; a crashed request's claim lapses after it. */
const CLAIM_S = 3600;

export interface FromUploadsRequest {
  readonly uploadIds: string[];
  readonly note?: string;
  /** Model phases: the manifest's JSON text. */
  readonly manifestText?: string;
}

function problemWith(row: UploadRow | undefined, id: string, phaseId: number): AppError | undefined {
  if (!row) return new AppError('NOT_FOUND', `no upload ${id} visible to you (uploads expire 24 h after their last PATCH)`);
  if (row.phase_id !== phaseId) return new AppError('CONFLICT', `upload ${id} ("${row.file_name}") was made for phase ${row.phase_id}, not phase ${phaseId}`);
  if (!row.completed_at) {
    return new AppError('CONFLICT', `upload ${id} ("${row.file_name}") has ${row.offset_bytes} of its ${row.length_bytes} bytes; send the rest (PATCH) before submitting it`);
  }
  return undefined;
}

/** Claims every upload or none; the error names the first one that cannot be used. */
async function claimAll(deps: AppDeps, ids: string[], user: UserRow, phaseId: number): Promise<UploadRow[]> {
  return inTransaction(deps.db, async (client) => {
    const rows = await uploadsOfUser(client, ids, user.id);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) {
      const problem = problemWith(byId.get(id), id, phaseId);
      if (problem) throw problem;
    }
    const claimed = await claimUploads(client, ids, CLAIM_S);
    if (claimed.length !== ids.length) {
      const busy = ids.find((id) => !claimed.includes(id));
      throw new AppError('CONFLICT', `upload ${busy} is being turned into a submission by another request`);
    }
    return ids.map((id) => byId.get(id)!);
  });
}

/** The uploads' files in a fresh scratch folder, named as a multipart upload's would be. */
async function asReceivedUpload(deps: AppDeps, rows: UploadRow[], request: FromUploadsRequest): Promise<ReceivedUpload> {
  const dir = await mkdtemp(join(deps.storage.scratchDir, 'upload-'));
  const files: UploadedFile[] = [];
  try {
    for (const [index, row] of rows.entries()) {
      const path = join(dir, scratchName(index, row.file_name));
      const source = partPath(deps.storage.scratchDir, row.id);
      await link(source, path).catch(() => copyFile(source, path));
      files.push({ name: row.file_name, path, size: row.length_bytes });
    }
  } catch (error) {
    await discardUpload({ dir });
    throw error;
  }
  return { dir, files, note: request.note, manifestText: request.manifestText };
}

/** What the request must name for the phase's kind, checked before any upload is claimed. */
function requireUsableRequest(target: IntakeTarget, request: FromUploadsRequest): void {
  const ids = request.uploadIds;
  if (new Set(ids).size !== ids.length) throw new AppError('BAD_REQUEST', 'uploadIds names an upload more than once');
  if (target.kind === 'model') {
    if (ids.length !== 1) throw new AppError('BAD_REQUEST', `a model submission is one upload, the .onnx file; uploadIds names ${ids.length}`);
    if (!request.manifestText?.trim()) {
      throw new AppError('BAD_REQUEST', 'no manifest: send the model\'s manifest (JSON) in the field "manifest" of this request; see GET /api/phases/:id/model-rules for its format');
    }
  } else if (ids.length > target.maxFiles) {
    throw new AppError('BAD_REQUEST', `too many files: send at most ${target.maxFiles} (one per case), or one archive`);
  }
}

export async function submitFromUploads(deps: AppDeps, phaseId: number, user: UserRow, request: FromUploadsRequest): Promise<AcceptedUpload> {
  const target = await openIntakeTarget(deps, phaseId, user);
  requireUsableRequest(target, request);
  const ids = request.uploadIds;
  const rows = await claimAll(deps, ids, user, target.phase.id);
  let accepted: AcceptedUpload;
  try {
    accepted = await acceptReceivedUpload(deps, target, user.id, await asReceivedUpload(deps, rows, request));
  } catch (error) {
    await releaseClaims(deps.db, ids).catch(() => undefined);
    await recordRejectedUpload(deps.db, target.team.id, target.phase.id, error);
    throw error;
  }
  await deleteUploads(deps.db, ids);
  for (const id of ids) await removePart(deps.storage.scratchDir, id);
  return accepted;
}
