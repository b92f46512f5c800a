/**
 * Deciding a re-evaluation run. Publishing replaces the published evaluations with the candidates, recomputes
 * the affected submissions' aggregates (so the leaderboard follows), marks the run and writes the audit entry —
 * one transaction. Discarding only marks the run; the published results stay as they were.
 */
import type { PhaseRow } from '../challenges/rows.ts';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { aggregateCases, type StoredCaseMetrics } from '../jobs/submission-aggregate.ts';
import { writeAudit } from './audit.ts';
import { runDiff } from './run-report.ts';
import { candidatePairs, decideRun, publishCandidates, publishedMetrics, runById, runProgress, setAggregates, type RunRow } from './runs-store.ts';

async function lockUndecidedRun(client: PoolClient, runId: number, verb: string): Promise<RunRow> {
  const run = await runById(client, runId, true);
  if (!run) throw new AppError('NOT_FOUND', `no evaluation run ${runId}`);
  if (run.status === 'published' || run.status === 'discarded') {
    throw new AppError('CONFLICT', `run ${runId} was already ${run.status}${run.decided_at ? ` at ${run.decided_at.toISOString()}` : ''}; it cannot be ${verb}`);
  }
  return run;
}

async function recomputeAggregates(client: PoolClient, submissionIds: number[]): Promise<void> {
  const bySubmission = new Map<number, StoredCaseMetrics[]>(submissionIds.map((id) => [id, []]));
  for (const row of await publishedMetrics(client, submissionIds)) bySubmission.get(row.submissionId)!.push(row.metrics as StoredCaseMetrics);
  await setAggregates(client, [...bySubmission].map(([submissionId, cases]) => ({ submissionId, aggregate: aggregateCases(cases) })));
}

export async function publishRun(db: Pool, phase: PhaseRow, runId: number, actorId: number, reason: string | null) {
  return inTransaction(db, async (client) => {
    const run = await lockUndecidedRun(client, runId, 'published');
    const progress = await runProgress(client, runId);
    if (progress.total === 0 || progress.done !== progress.total) {
      throw new AppError(
        'CONFLICT',
        `run ${runId} cannot be published until all its evaluations are done: ${progress.done} of ${progress.total} done, ` +
          `${progress.queued} queued, ${progress.running} running, ${progress.failed} failed` +
          (progress.failed ? '; discard it and start a new run once the failures are fixed' : '; wait for them and try again'),
        { progress },
      );
    }
    const diff = await runDiff(client, phase, await candidatePairs(client, runId));
    const { submissionIds, changedCases } = await publishCandidates(client, runId);
    await recomputeAggregates(client, submissionIds);
    // a run that scored with other suites gives them to the phase (the only way they change once results exist)
    if (run.metric_suites) await client.query('update phases set metric_suites = $2 where id = $1', [run.phase_id, run.metric_suites]);
    const decided = await decideRun(client, runId, 'published');
    await writeAudit(client, {
      actorId,
      action: 'evaluation_run.publish',
      targetType: 'evaluation_run',
      targetId: runId,
      reason: reason ?? run.reason,
      details: {
        phaseId: run.phase_id,
        submissionIds,
        evaluations: progress.total,
        changedCases,
        cases: diff.changedCases.map((c) => ({ submissionId: c.submissionId, case: c.case, changed: c.changed, old: c.old, new: c.new })),
        moved: diff.leaderboard.moved,
      },
    });
    return { run: decided, submissionIds, changedCases, moved: diff.leaderboard.moved };
  });
}

export async function discardRun(db: Pool, runId: number, actorId: number, reason: string | null): Promise<RunRow> {
  return inTransaction(db, async (client) => {
    const run = await lockUndecidedRun(client, runId, 'discarded');
    const progress = await runProgress(client, runId);
    const decided = await decideRun(client, runId, 'discarded');
    await writeAudit(client, {
      actorId,
      action: 'evaluation_run.discard',
      targetType: 'evaluation_run',
      targetId: runId,
      reason,
      details: { phaseId: run.phase_id, progress },
    });
    return decided;
  });
}
