/**
 * From a received upload to an accepted submission: unpack (if an archive), validate everything, store the files
 * content-addressed, then in ONE transaction re-check the quota under a lock on the team row, insert the blobs,
 * the submission, its files and one queued evaluation per case, and enqueue one `evaluate-case` job per
 * evaluation. A failure at any step leaves no rows behind (blobs already stored are harmless: they are
 * content-addressed and referenced by nothing); the caller removes the upload's scratch folder.
 */
import type { AppDeps } from '../app-deps.ts';
import type { PhaseRow, TeamRow } from '../challenges/access.ts';
import { inTransaction } from '../db/pool.ts';
import { enqueueEvaluations } from '../jobs/enqueue.ts';
import { createEvaluations } from '../jobs/status-writer.ts';
import type { StoredBlob } from '../storage/storage.ts';
import { AppError } from '../errors.ts';
import { archiveExtension } from './case-file-names.ts';
import { extractArchive } from './extract-archive.ts';
import type { CandidateFile } from './match-files.ts';
import { quotaOf, requireQuotaLeft, type Quota } from './quota.ts';
import type { ReceivedUpload } from './receive-upload.ts';
import { insertBlobs, insertSubmission, insertSubmissionFiles, lockTeam, type PhaseCase } from './store.ts';
import type { SubmissionWarning } from './submission-problems.ts';
import { validateSubmission, type AcceptedCaseFile } from './validate-submission.ts';

/** An archive may hold at most this many entries per case (folders, resource forks and notes included). */
export const ARCHIVE_ENTRIES_PER_CASE = 4;

export interface AcceptedSubmission {
  submission: {
    id: number;
    status: 'queued';
    createdAt: string;
    cases: Array<{ case: string; file: string }>;
    warnings: SubmissionWarning[];
  };
  quota: Quota;
}

export interface SubmissionInput {
  readonly phase: PhaseRow;
  readonly team: TeamRow;
  readonly userId: number;
  readonly cases: readonly PhaseCase[];
  readonly upload: ReceivedUpload;
}

/** The files to validate: the uploaded ones, or the contents of the one uploaded archive. */
async function candidateFiles(deps: AppDeps, input: SubmissionInput): Promise<CandidateFile[]> {
  const { files, dir } = input.upload;
  if (files.length === 0) {
    throw new AppError('BAD_REQUEST', 'no files: send one file per case in the multipart field "files", or one .zip/.tar.gz of them');
  }
  const archives = files.filter((f) => archiveExtension(f.name));
  if (archives.length === 0) return files.map((f) => ({ name: f.name, path: f.path }));
  if (files.length > 1) {
    throw new AppError('BAD_REQUEST', `send either one archive or one file per case, not ${files.length} files with ${archives.length} archive(s) among them`);
  }
  return extractArchive(files[0].path, files[0].name, dir, {
    maxEntries: ARCHIVE_ENTRIES_PER_CASE * input.cases.length,
    maxEntryBytes: deps.config.maxUploadBytes,
    maxTotalBytes: deps.config.maxUnpackedBytes,
  });
}

export async function acceptSubmission(deps: AppDeps, input: SubmissionInput): Promise<AcceptedSubmission> {
  const { phase, team } = input;
  const candidates = await candidateFiles(deps, input);
  const validated = await validateSubmission(input.cases, candidates, deps.config.maxVoxels);
  const stored: Array<AcceptedCaseFile & { blob: StoredBlob }> = [];
  for (const accepted of validated.files) {
    stored.push({ ...accepted, blob: await deps.storage.putFile(accepted.file.path) });
  }
  const row = await inTransaction(deps.db, async (client) => {
    await lockTeam(client, team.id);
    requireQuotaLeft(await quotaOf(client, phase, team.id), team.name, phase.name);
    await insertBlobs(client, stored.map((s) => s.blob));
    const submission = await insertSubmission(client, {
      phaseId: phase.id,
      teamId: team.id,
      submittedBy: input.userId,
      warnings: validated.warnings,
      note: input.upload.note,
    });
    await insertSubmissionFiles(
      client,
      submission.id,
      stored.map((s) => ({ caseId: s.caseId, sha256: s.blob.sha256, originalName: s.file.name })),
    );
    const evaluationIds = await createEvaluations(client, submission.id, stored.map((s) => s.caseId));
    await enqueueEvaluations(deps.queue, evaluationIds, client);
    return submission;
  });
  return {
    submission: {
      id: row.id,
      status: 'queued',
      createdAt: row.created_at.toISOString(),
      cases: stored.map((s) => ({ case: s.caseName, file: s.file.name })),
      warnings: validated.warnings,
    },
    quota: await quotaOf(deps.db, phase, team.id),
  };
}
