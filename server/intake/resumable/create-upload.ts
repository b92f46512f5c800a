/**
 * tus creation: POST /api/uploads with Upload-Length and Upload-Metadata `phase` (the phase id) and `filename`
 * (`name` is accepted too, as some tus clients send it). The same checks as a direct submission are made before
 * a byte is sent (intake-target.ts: phase open, team accepted, quota left), then the length limit of the phase's
 * kind (a mask or archive within what the case grids can need; a model: an .onnx file within the phase's model
 * limit), the team's open uploads, its bytes in flight and the room on disk (team-upload-budget.ts). A reservation
 * that receives no byte expires after UPLOAD_IDLE_EXPIRY_S (10 min by default).
 */
import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../../app-deps.ts';
import type { UserRow } from '../../auth/store.ts';
import { AppError } from '../../errors.ts';
import { formatBytes } from '../received-upload.ts';
import { openIntakeTarget, type IntakeTarget } from '../intake-target.ts';
import { modelTooLarge, requireOnnxName } from '../models/model-form.ts';
import type { TeamUploadBudget } from '../team-upload-budget.ts';
import { createPartFile } from './part-files.ts';
import { deleteUploads, insertUpload, openUploadCount, type UploadRow } from './upload-store.ts';

export interface CreateRequest {
  readonly lengthBytes: number | undefined;
  readonly metadata: Record<string, string>;
  readonly deferLength: boolean;
}

function fileNameOf(metadata: Record<string, string>): string {
  const name = (metadata.filename ?? metadata.name ?? '').trim();
  if (!name) throw new AppError('BAD_REQUEST', 'name the file in Upload-Metadata: "filename <base64 of the file name>" (e.g. ATM_164.nii.gz or a .zip/.tar.gz)');
  // eslint-disable-next-line no-control-regex
  if (name.length > 255 || /[\\/\x00-\x1f]/.test(name)) {
    throw new AppError('BAD_REQUEST', 'the file name in Upload-Metadata must be a plain name of at most 255 characters, without folders or control characters');
  }
  return name;
}

function phaseIdOf(metadata: Record<string, string>): number {
  const raw = metadata.phase ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw new AppError('BAD_REQUEST', 'name the phase in Upload-Metadata: "phase <base64 of the phase id>"');
  return Number(raw);
}

/** The file's name and length must suit the phase's kind: any size up to the upload limit, or a model within its limit. */
function requireFileFits(target: IntakeTarget, fileName: string, lengthBytes: number): void {
  if (target.kind === 'model') {
    requireOnnxName(fileName);
    if (lengthBytes > target.maxFileBytes) throw modelTooLarge(target.maxFileBytes);
  } else if (lengthBytes > target.maxFileBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `file "${fileName}" (${formatBytes(lengthBytes)}) is larger than ${formatBytes(target.maxFileBytes)}, the upload limit per file`);
  }
}

export async function createUpload(deps: AppDeps, budget: TeamUploadBudget, user: UserRow, request: CreateRequest): Promise<UploadRow> {
  if (request.deferLength) throw new AppError('BAD_REQUEST', 'Upload-Defer-Length is not supported: give the file\'s size in Upload-Length');
  if (request.lengthBytes === undefined) throw new AppError('BAD_REQUEST', 'give the file\'s size in bytes in the Upload-Length header');
  const fileName = fileNameOf(request.metadata);
  const target = await openIntakeTarget(deps, phaseIdOf(request.metadata), user);
  requireFileFits(target, fileName, request.lengthBytes);
  const open = await openUploadCount(deps.db, target.team.id, target.phase.id);
  if (open >= target.maxFiles) {
    throw new AppError('CONFLICT', `team "${target.team.name}" has ${open} uploads open in phase "${target.phase.name}", the most one submission can use; submit them (POST /api/phases/${target.phase.id}/submissions/from-uploads) or delete some (DELETE /api/uploads/:id)`);
  }
  // room on disk and the team's bytes in flight; the row then holds the reservation until bytes arrive or it expires
  await budget.admit(target.team, request.lengthBytes, false);
  const id = randomBytes(16).toString('hex');
  const row = await insertUpload(deps.db, {
    id,
    userId: user.id,
    teamId: target.team.id,
    phaseId: target.phase.id,
    fileName,
    lengthBytes: request.lengthBytes,
    metadata: request.metadata,
    // no byte yet: a reservation lapses soon unless bytes arrive (each PATCH then extends it, expire-uploads.ts)
    expiresAt: new Date(Date.now() + deps.config.uploadIdleExpiryS * 1000),
  });
  try {
    await createPartFile(deps.storage.scratchDir, id);
  } catch (error) {
    await deleteUploads(deps.db, [id]);
    throw error;
  }
  return row;
}
