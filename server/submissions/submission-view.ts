/**
 * What the API shows of a submission. The team and the challenge's organisers see it; what a team sees of its
 * results follows the phase's rules in server/challenges/results-visibility.ts: the aggregate while the phase's
 * results are visible, per-case metrics (allow-listed: nothing derived from the gold standard alone) when case
 * results are shown too, and failures as code and hint except where their text is the team's own business.
 */
import type { SubmissionCase, SubmissionDetail, SubmissionSummary } from '../../contract/submissions.ts';
import { caseResultsShownToTeams, errorTextShownToTeams, resultsShownToTeams, teamsMayInspect, teamVisibleError, teamVisibleMetrics } from '../challenges/results-visibility.ts';
import type { CaseEvaluationRow, SubmissionRow } from './store.ts';

export function submissionSummary(row: SubmissionRow, organiser: boolean): SubmissionSummary {
  return {
    id: row.id,
    phase: { id: row.phase_id, name: row.phase_name },
    team: { id: row.team_id, name: row.team_name },
    status: row.status,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    cases: row.case_count,
    note: row.note,
    warnings: row.warnings,
    countsTowardQuota: row.counts_toward_quota,
    hidden: row.hidden,
    hiddenReason: row.hidden_reason,
    disqualified: row.disqualified,
    disqualifiedReason: row.disqualified_reason,
    aggregate: organiser || resultsShownToTeams(row) ? row.aggregate : null,
  };
}

function stageOnly(progress: unknown): unknown {
  if (!progress || typeof progress !== 'object' || !('stage' in progress)) return progress;
  return { stage: (progress as { stage: unknown }).stage };
}

export function caseView(row: CaseEvaluationRow, show: { results: boolean; errorText: boolean; organiser: boolean }, inspectable = false): SubmissionCase {
  const error = row.error_code || row.error_message ? { code: row.error_code, message: row.error_message, owner: row.error_owner } : null;
  return {
    evaluationId: row.evaluation_id,
    /** The caller may open this case in the 3D viewer (`/api/evaluations/:id/viewer`) once it is done. */
    inspectable: inspectable && row.status === 'done',
    case: row.case_name,
    file: row.file_name,
    status: row.status,
    queuePosition: row.queue_position,
    // a model run's patch count follows the hidden CT's size: only the stage where per-case results are hidden
    progress: (show.results ? row.progress : stageOnly(row.progress)) as SubmissionCase['progress'],
    attempts: row.attempts,
    error: error && teamVisibleError(error, show.organiser || show.errorText),
    metrics: show.results && row.metrics ? (show.organiser ? row.metrics : teamVisibleMetrics(row.metrics)) : null,
  };
}

export function submissionDetail(row: SubmissionRow, cases: CaseEvaluationRow[], organiser: boolean): SubmissionDetail {
  const results = organiser || caseResultsShownToTeams(row);
  const show = { results, errorText: errorTextShownToTeams(row), organiser };
  const inspectable = organiser || teamsMayInspect(row);
  return {
    submission: { ...submissionSummary(row, organiser), caseResultsShown: results },
    cases: cases.map((c) => caseView(c, show, inspectable)),
  };
}
