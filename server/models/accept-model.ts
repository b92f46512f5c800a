/**
 * From a received model upload to an accepted model submission: parse the manifest, validate the model in a
 * sandbox, store it content-addressed, then in ONE transaction re-check the quota under the team's lock (the same
 * rule as masks: the team's counted submissions in the phase), insert the blob, the submission, its model, one
 * queued evaluation per hidden case and one model run per evaluation, and enqueue each run's `run-model` job.
 * No `submission_files` yet: each model run adds its case's mask when it has made it.
 */
import type { AppDeps } from '../app-deps.ts';
import type { PhaseRow, TeamRow } from '../challenges/access.ts';
import { inTransaction } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { enqueueModelRuns } from '../jobs/enqueue.ts';
import { createEvaluations, createModelRuns } from '../jobs/status-writer.ts';
import { quotaOf, requireQuotaLeft, type Quota } from '../submissions/quota.ts';
import { insertBlobs, insertSubmission, lockTeam, type PhaseCase } from '../submissions/store.ts';
import { parseManifest, type ModelManifest } from './manifest.ts';
import { insertSubmissionModel, type ModelLimits } from './model-store.ts';
import type { ReceivedModel } from './receive-model-upload.ts';
import { validateModel } from './validate-model.ts';

export interface AcceptedModel {
  submission: {
    id: number;
    status: 'queued';
    createdAt: string;
    kind: 'model';
    model: { file: string; sha256: string; sizeBytes: number; nodes: number; parameters: number; opsets: Array<{ domain: string; version: number }> };
    manifest: ModelManifest;
    cases: string[];
  };
  quota: Quota;
}

export interface ModelSubmissionInput {
  readonly phase: PhaseRow;
  readonly team: TeamRow;
  readonly userId: number;
  readonly cases: readonly PhaseCase[];
  readonly limits: ModelLimits;
  readonly upload: ReceivedModel;
}

export async function acceptModel(deps: AppDeps, input: ModelSubmissionInput): Promise<AcceptedModel> {
  const { phase, team, upload } = input;
  const parsed = parseManifest(upload.manifestText);
  if ('problems' in parsed) {
    const n = parsed.problems.length;
    throw new AppError('VALIDATION_FAILED', `the manifest has ${n} problem${n === 1 ? '' : 's'}: ${parsed.problems.join('; ')}`, parsed.problems.map((problem) => ({ file: 'manifest', problem })));
  }
  const { manifest } = parsed;
  const validation = await validateModel(upload.model.path, upload.model.name, manifest, input.limits);
  const blob = await deps.storage.putFile(upload.model.path);
  const summary = {
    ...validation.structure,
    inputName: validation.inputName,
    outputName: validation.outputName,
    onnxruntime: validation.onnxruntime,
    validation: { ms: validation.validationMs, patchMs: validation.patchMs, peakMemoryMb: validation.peakMemoryMb },
  };
  const row = await inTransaction(deps.db, async (client) => {
    await lockTeam(client, team.id);
    requireQuotaLeft(await quotaOf(client, phase, team.id), team.name, phase.name);
    await insertBlobs(client, [blob]);
    const submission = await insertSubmission(client, { phaseId: phase.id, teamId: team.id, submittedBy: input.userId, warnings: [], note: upload.note });
    await insertSubmissionModel(client, submission.id, { sha256: blob.sha256, originalName: upload.model.name, manifest, summary });
    const evaluationIds = await createEvaluations(client, submission.id, input.cases.map((c) => c.id));
    await enqueueModelRuns(deps.queue, await createModelRuns(client, evaluationIds), client);
    return submission;
  });
  return {
    submission: {
      id: row.id,
      status: 'queued',
      createdAt: row.created_at.toISOString(),
      kind: 'model',
      model: {
        file: upload.model.name,
        sha256: blob.sha256,
        sizeBytes: blob.size,
        nodes: validation.structure.nodeCount,
        parameters: validation.structure.parameterCount,
        opsets: validation.structure.opsets,
      },
      manifest,
      cases: input.cases.map((c) => c.name),
    },
    quota: await quotaOf(deps.db, phase, team.id),
  };
}
