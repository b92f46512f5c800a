/**
 * Validation and acceptance of received masks: unpack (if an archive), validate everything (validate-masks.ts),
 * store the files content-addressed, then commit the submission, its files and one queued evaluation per case,
 * with one `evaluate-case` job per evaluation (commit-submission.ts). The caller removes the upload's folder.
 */
import type { AcceptedSubmission as WireAcceptedSubmission } from '../../../contract/submissions.ts';
import { archiveExtension } from '../../../contract/submission-files/case-file-names.ts';
import type { CandidateFile } from '../../../contract/submission-files/match-files.ts';
import type { AppDeps } from '../../app-deps.ts';
import { AppError } from '../../errors.ts';
import { enqueueEvaluations } from '../../jobs/enqueue.ts';
import type { StoredBlob } from '../../storage/storage.ts';
import { quotaOf } from '../../submissions/quota.ts';
import { insertSubmissionFiles } from '../../submissions/store.ts';
import { extractArchive } from '../archives/extract-archive.ts';
import { commitSubmission } from '../commit-submission.ts';
import type { MaskTarget } from '../intake-target.ts';
import type { ReceivedUpload } from '../received-upload.ts';
import { validateMasks, type AcceptedCaseFile } from './validate-masks.ts';

/** The 202 reply: the submission as queued, and the quota left (contract/submissions.ts). */
export type AcceptedSubmission = WireAcceptedSubmission;

/** The files to validate: the uploaded ones, or the contents of the one uploaded archive. */
async function candidateFiles(deps: AppDeps, target: MaskTarget, upload: ReceivedUpload): Promise<CandidateFile[]> {
  const { files, dir } = upload;
  if (files.length === 0) {
    throw new AppError('BAD_REQUEST', 'no files: send one file per case in the multipart field "files", or one .zip/.tar.gz of them');
  }
  const archives = files.filter((f) => archiveExtension(f.name));
  if (archives.length === 0) return files.map((f) => ({ name: f.name, path: f.path }));
  if (files.length > 1) {
    throw new AppError('BAD_REQUEST', `send either one archive or one file per case, not ${files.length} files with ${archives.length} archive(s) among them`);
  }
  return extractArchive(files[0].path, files[0].name, dir, {
    maxEntries: target.maxFiles,
    maxEntryBytes: target.maxEntryBytes,
    maxTotalBytes: target.maxUnpackedBytes,
  });
}

export async function acceptMasks(deps: AppDeps, target: MaskTarget, userId: number, upload: ReceivedUpload): Promise<AcceptedSubmission> {
  const candidates = await candidateFiles(deps, target, upload);
  const validated = await validateMasks(target.cases, candidates, deps.config.maxVoxels);
  const stored: Array<AcceptedCaseFile & { blob: StoredBlob }> = [];
  for (const accepted of validated.files) {
    stored.push({ ...accepted, blob: await deps.storage.putFile(accepted.file.path) });
  }
  const submission = await commitSubmission(
    deps,
    { target, userId, note: upload.note, warnings: validated.warnings, blobs: stored.map((s) => s.blob), caseIds: stored.map((s) => s.caseId) },
    async (client, submissionId, evaluationIds) => {
      await insertSubmissionFiles(
        client,
        submissionId,
        stored.map((s) => ({ caseId: s.caseId, sha256: s.blob.sha256, originalName: s.file.name })),
      );
      await enqueueEvaluations(deps.queue, evaluationIds, client);
    },
  );
  return {
    submission: {
      id: submission.id,
      status: 'queued',
      createdAt: submission.createdAt,
      cases: stored.map((s) => ({ case: s.caseName, file: s.file.name })),
      warnings: validated.warnings,
    },
    quota: await quotaOf(deps.db, target.phase, target.team.id),
  };
}
