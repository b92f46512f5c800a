/**
 * Validation and acceptance of a received model: parse the manifest, validate the model in a sandbox
 * (server/models/validate-model.ts), store it content-addressed, then commit the submission, its model, one queued
 * evaluation per hidden case and one model run per evaluation, with each run's `run-model` job
 * (commit-submission.ts; the same quota rule as masks). No `submission_files` yet: each model run adds its case's
 * mask when it has made it. The caller removes the upload's folder.
 */
import type { AcceptedModel as WireAcceptedModel } from '../../../contract/models.ts';
import type { AppDeps } from '../../app-deps.ts';
import { AppError } from '../../errors.ts';
import { parseManifest, type ModelManifest } from '../../models/manifest.ts';
import { enqueueModelRuns } from '../../jobs/enqueue.ts';
import { createModelRuns } from '../../jobs/status-writer.ts';
import { insertSubmissionModel } from '../../models/model-store.ts';
import { validateModel } from '../../models/validate-model.ts';
import { quotaOf } from '../../submissions/quota.ts';
import { commitSubmission } from '../commit-submission.ts';
import type { ModelTarget } from '../intake-target.ts';
import type { ReceivedUpload } from '../received-upload.ts';
import { requireOnnxName } from './model-form.ts';

/** The 202 reply: the model submission as queued, and the quota left (contract/models.ts). */
export type AcceptedModel = WireAcceptedModel;

function manifestOf(upload: ReceivedUpload): ModelManifest {
  const parsed = parseManifest(upload.manifestText ?? '');
  if ('problems' in parsed) {
    const n = parsed.problems.length;
    throw new AppError('VALIDATION_FAILED', `the manifest has ${n} problem${n === 1 ? '' : 's'}: ${parsed.problems.join('; ')}`, parsed.problems.map((problem) => ({ file: 'manifest', problem })));
  }
  return parsed.manifest;
}

export async function acceptModel(deps: AppDeps, target: ModelTarget, userId: number, upload: ReceivedUpload): Promise<AcceptedModel> {
  if (upload.files.length !== 1) throw new AppError('BAD_REQUEST', `a model submission is one .onnx file, not ${upload.files.length} files`);
  const model = upload.files[0];
  requireOnnxName(model.name);
  const manifest = manifestOf(upload);
  const validation = await validateModel(deps.config.modelSandbox, model.path, model.name, manifest, target.limits);
  const blob = await deps.storage.putFile(model.path);
  const summary = {
    ...validation.structure,
    inputName: validation.inputName,
    outputName: validation.outputName,
    onnxruntime: validation.onnxruntime,
    validation: { ms: validation.validationMs, patchMs: validation.patchMs, peakMemoryMb: validation.peakMemoryMb },
  };
  const submission = await commitSubmission(
    deps,
    { target, userId, note: upload.note, warnings: [], blobs: [blob], caseIds: target.cases.map((c) => c.id) },
    async (client, submissionId, evaluationIds) => {
      await insertSubmissionModel(client, submissionId, { sha256: blob.sha256, originalName: model.name, manifest, summary });
      await enqueueModelRuns(deps.queue, await createModelRuns(client, evaluationIds), client);
    },
  );
  return {
    submission: {
      id: submission.id,
      status: 'queued',
      createdAt: submission.createdAt,
      kind: 'model',
      model: {
        file: model.name,
        sha256: blob.sha256,
        sizeBytes: blob.size,
        nodes: validation.structure.nodeCount,
        parameters: validation.structure.parameterCount,
        opsets: validation.structure.opsets,
      },
      manifest,
      cases: target.cases.map((c) => c.name),
    },
    quota: await quotaOf(deps.db, target.phase, target.team.id),
  };
}
