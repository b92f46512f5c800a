/**
 * Starting a re-evaluation (e.g. after a gold-standard fix) as a candidate run: the run, one queued candidate
 * evaluation per (submission, case) against the case's current gold standard, their jobs and the audit entry,
 * all in one transaction.
 */
import type { AppDeps } from '../app-deps.ts';
import type { PhaseRow } from '../challenges/rows.ts';
import { inTransaction, type PoolClient } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { enqueueEvaluations } from '../jobs/enqueue.ts';
import { createCandidateEvaluations } from '../jobs/status-writer.ts';
import { writeAudit } from './audit.ts';
import { casesWithoutUsableGold, insertRun, undecidedRunsFor, type RunRow } from './runs-store.ts';
import type { SubmissionRow } from './submissions-store.ts';

export interface ReevaluationRequest {
  actorId: number;
  phase: PhaseRow;
  /** One submission, or every evaluated submission of the phase when absent. */
  submission?: SubmissionRow;
  reason: string;
  /** Phase runs only: the suites to score with; publishing the run gives them to the phase. */
  metricSuites?: string[];
}

async function submissionsToRerun(client: PoolClient, request: ReevaluationRequest): Promise<number[]> {
  if (request.submission) {
    const s = request.submission;
    if (s.status === 'queued' || s.status === 'running') {
      throw new AppError('CONFLICT', `submission ${s.id} is still being evaluated (${s.status}); re-evaluate it once it has finished`);
    }
    return [s.id];
  }
  const rows = await client.query<{ id: number }>(`select id from submissions where phase_id = $1 and status = 'done' order by id`, [request.phase.id]);
  if (!rows.rowCount) throw new AppError('CONFLICT', `phase ${request.phase.id} has no evaluated submissions to re-evaluate`);
  return rows.rows.map((r) => r.id);
}

export async function startReevaluation(deps: AppDeps, request: ReevaluationRequest): Promise<{ run: RunRow; evaluations: number; submissions: number }> {
  return inTransaction(deps.db, async (client) => {
    // one run is created at a time per phase, so two organisers cannot start overlapping runs
    await client.query('select id from phases where id = $1 for update', [request.phase.id]);
    const submissionIds = await submissionsToRerun(client, request);
    const undecided = await undecidedRunsFor(client, submissionIds);
    if (undecided.length) {
      throw new AppError('CONFLICT', `run ${undecided.join(', ')} already re-evaluates ${request.submission ? 'this submission' : 'submissions of this phase'}; publish or discard it first (POST /api/runs/${undecided[0]}/publish or /discard)`);
    }
    const unusable = await casesWithoutUsableGold(client, submissionIds);
    if (unusable.length) {
      throw new AppError('CONFLICT', `cannot re-evaluate: ${unusable.map((c) => `case "${c.name}": ${c.problem}`).join('; ')}; upload a gold standard for it first`, { cases: unusable });
    }
    const run = await insertRun(client, request.phase.id, request.submission?.id ?? null, request.reason, request.actorId, request.metricSuites ?? null);
    const evaluationIds = await createCandidateEvaluations(client, run.id, submissionIds);
    if (!evaluationIds.length) {
      throw new AppError('CONFLICT', `${request.submission ? `submission ${request.submission.id} has` : 'the submissions have'} no evaluated cases to re-run`);
    }
    await enqueueEvaluations(deps.queue, evaluationIds, client);
    await writeAudit(client, {
      actorId: request.actorId,
      action: 'evaluation_run.start',
      targetType: 'evaluation_run',
      targetId: run.id,
      reason: request.reason,
      details: { phaseId: request.phase.id, submissionIds, evaluations: evaluationIds.length },
    });
    return { run, evaluations: evaluationIds.length, submissions: submissionIds.length };
  });
}
