/**
 * The one intake pipeline, after receiving (receive-multipart.ts, or resumable/receive-uploads.ts): validate by
 * the phase's kind — masks (masks/accept-masks.ts) or a model (models/accept-model.ts) — then store and commit
 * (commit-submission.ts). Same checks, same errors and the same 202 however the files arrived.
 */
import type { AppDeps } from '../app-deps.ts';
import type { IntakeTarget, MaskTarget, ModelTarget } from './intake-target.ts';
import { acceptMasks, type AcceptedSubmission } from './masks/accept-masks.ts';
import { acceptModel, type AcceptedModel } from './models/accept-model.ts';
import { discardUpload, type ReceivedUpload } from './received-upload.ts';

export type { AcceptedModel, AcceptedSubmission };
export type AcceptedUpload = AcceptedSubmission | AcceptedModel;

/** Validates, stores and commits received files; the upload's folder is the caller's to remove. */
export async function acceptUpload(deps: AppDeps, target: MaskTarget, userId: number, upload: ReceivedUpload): Promise<AcceptedSubmission>;
export async function acceptUpload(deps: AppDeps, target: ModelTarget, userId: number, upload: ReceivedUpload): Promise<AcceptedModel>;
export async function acceptUpload(deps: AppDeps, target: IntakeTarget, userId: number, upload: ReceivedUpload): Promise<AcceptedUpload>;
export async function acceptUpload(deps: AppDeps, target: IntakeTarget, userId: number, upload: ReceivedUpload): Promise<AcceptedUpload> {
  return target.kind === 'masks' ? acceptMasks(deps, target, userId, upload) : acceptModel(deps, target, userId, upload);
}

/** As acceptUpload; the upload's folder is removed before this returns, so nothing of it outlives the request. */
export async function acceptReceivedUpload(deps: AppDeps, target: IntakeTarget, userId: number, upload: ReceivedUpload): Promise<AcceptedUpload> {
  try {
    return await acceptUpload(deps, target, userId, upload);
  } finally {
    await discardUpload(upload);
  }
}
