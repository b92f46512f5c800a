/** Hiding and disqualifying a submission: the flag, its reason and the audit entry change together. */
import type { Pool } from '../db/pool.ts';
import { inTransaction } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { writeAudit } from './audit.ts';
import { setModerationFlag, submissionById, type ModerationFlag, type SubmissionRow } from './submissions-store.ts';

const ACTIONS: Record<ModerationFlag, [string, string]> = {
  hidden: ['submission.hide', 'submission.unhide'],
  disqualified: ['submission.disqualify', 'submission.requalify'],
};

export interface ModerationChange {
  actorId: number;
  submissionId: number;
  flag: ModerationFlag;
  value: boolean;
  reason: string | null;
}

export async function moderateSubmission(db: Pool, change: ModerationChange): Promise<SubmissionRow> {
  return inTransaction(db, async (client) => {
    const before = await setModerationFlag(client, change.submissionId, change.flag, change.value, change.reason);
    if (!before) throw new AppError('NOT_FOUND', `no submission ${change.submissionId}`);
    const reasonColumn = change.flag === 'hidden' ? 'hidden_reason' : 'disqualified_reason';
    await writeAudit(client, {
      actorId: change.actorId,
      action: ACTIONS[change.flag][change.value ? 0 : 1],
      targetType: 'submission',
      targetId: change.submissionId,
      reason: change.reason,
      details: {
        phaseId: before.phase_id,
        teamId: before.team_id,
        before: { [change.flag]: before[change.flag], reason: before[reasonColumn] },
        after: { [change.flag]: change.value, reason: change.value ? change.reason : null },
      },
    });
    return (await submissionById(client, change.submissionId))!;
  });
}
