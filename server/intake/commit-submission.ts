/**
 * The last step of intake, the same for masks and models: in ONE transaction re-check the quota under a lock on
 * the team row, insert the stored blobs and the submission with one queued evaluation per case, then the rows and
 * jobs of the submission's kind (`addKindRows`: a mask's files and `evaluate-case` jobs, a model and its
 * `run-model` jobs). A failure leaves no rows behind; blobs already stored are harmless (content-addressed and
 * referenced by nothing).
 */
import type { SubmissionWarning } from '../../contract/submission-files/submission-problems.ts';
import type { AppDeps } from '../app-deps.ts';
import { inTransaction, type PoolClient } from '../db/pool.ts';
import type { StoredBlob } from '../storage/storage.ts';
import { quotaOf, requireQuotaLeft } from '../submissions/quota.ts';
import { createEvaluations } from '../jobs/status-writer.ts';
import { insertBlobs, insertSubmission, lockTeam } from '../submissions/store.ts';
import type { IntakeTarget } from './intake-target.ts';

export interface SubmissionToCommit {
  readonly target: IntakeTarget;
  readonly userId: number;
  readonly note?: string;
  readonly warnings: SubmissionWarning[];
  readonly blobs: readonly StoredBlob[];
  /** The cases to evaluate, in order (one queued evaluation each). */
  readonly caseIds: readonly number[];
}

export interface CommittedSubmission {
  readonly id: number;
  readonly createdAt: string;
}

export async function commitSubmission(
  deps: AppDeps,
  submission: SubmissionToCommit,
  addKindRows: (client: PoolClient, submissionId: number, evaluationIds: number[]) => Promise<void>,
): Promise<CommittedSubmission> {
  const { phase, team } = submission.target;
  const row = await inTransaction(deps.db, async (client) => {
    await lockTeam(client, team.id);
    requireQuotaLeft(await quotaOf(client, phase, team.id), team.name, phase.name);
    await insertBlobs(client, submission.blobs);
    const inserted = await insertSubmission(client, {
      phaseId: phase.id,
      teamId: team.id,
      submittedBy: submission.userId,
      warnings: submission.warnings,
      note: submission.note,
    });
    await addKindRows(client, inserted.id, await createEvaluations(client, inserted.id, submission.caseIds));
    return inserted;
  });
  return { id: row.id, createdAt: row.created_at.toISOString() };
}
