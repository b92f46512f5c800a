/**
 * The two halves of taking a mask submission, shared by every way the files arrive (a multipart request in
 * routes.ts, finished resumable uploads in server/uploads/): first the cheap checks before any byte is received
 * (phase open, team accepted, cases defined, quota left), then — once the files are on local disk — the same
 * validation and acceptance for all, after which the received files are removed whatever happened.
 */
import type { AppDeps } from '../app-deps.ts';
import type { UserRow } from '../auth/store.ts';
import { requireActiveTeam } from '../challenges/access.ts';
import { challengeById, phaseById } from '../challenges/lookups.ts';
import type { PhaseRow, TeamRow } from '../challenges/rows.ts';
import { AppError } from '../errors.ts';
import { acceptSubmission, ARCHIVE_ENTRIES_PER_CASE, type AcceptedSubmission } from './accept-submission.ts';
import { requireOpenMaskPhase } from './phase-window.ts';
import { quotaOf, requireQuotaLeft } from './quota.ts';
import { discardUpload, type ReceivedUpload } from './receive-upload.ts';
import { casesOfPhase, type PhaseCase } from './store.ts';

export interface SubmissionTarget {
  readonly phase: PhaseRow;
  readonly team: TeamRow;
  readonly cases: PhaseCase[];
  /** At most this many files in one submission (one per case, or an archive's entries). */
  readonly maxFiles: number;
}

/** Checks before receiving any file: may this user's team submit masks to this phase now? */
export async function openSubmissionTarget(deps: AppDeps, phaseId: number, user: UserRow): Promise<SubmissionTarget> {
  const phase = await phaseById(deps.db, phaseId);
  const team = await requireActiveTeam(deps.db, await challengeById(deps.db, phase.challenge_id), user);
  requireOpenMaskPhase(phase);
  const cases = await casesOfPhase(deps.db, phase.id);
  if (cases.length === 0) throw new AppError('CONFLICT', `phase "${phase.name}" has no cases yet; nothing can be submitted to it`);
  // cheap check before receiving and validating the files; repeated under a lock when accepting
  requireQuotaLeft(await quotaOf(deps.db, phase, team.id), team.name, phase.name);
  return { phase, team, cases, maxFiles: ARCHIVE_ENTRIES_PER_CASE * cases.length };
}

/** Validates and accepts received files as a submission; the upload's folder is removed before this returns. */
export async function acceptReceivedUpload(deps: AppDeps, target: SubmissionTarget, userId: number, upload: ReceivedUpload): Promise<AcceptedSubmission> {
  try {
    return await acceptSubmission(deps, { phase: target.phase, team: target.team, userId, cases: target.cases, upload });
  } finally {
    await discardUpload(upload); // before answering, so nothing of the upload outlives the request
  }
}
