/**
 * What the API shows of a submission. The team and the challenge's organisers see it; per-case metrics and
 * errors only when the phase shows case results or the caller organises the challenge. Teams get the official
 * metrics and prediction-side counts only — nothing derived from the gold standard alone (branch tables,
 * skeleton sizes) leaves the platform; the aggregate is always shown to the team.
 */
import type { FailureCode } from '../../contract/error-codes.ts';
import type { SubmissionCase, SubmissionDetail, SubmissionSummary } from '../../contract/submissions.ts';
import { STORED_METRIC_NAMES } from '../../contract/common.ts';
import type { CaseEvaluationRow, SubmissionRow } from './store.ts';

const TEAM_VISIBLE_METRICS = new Set<string>([
  // every suite's metrics under their stored names, and which suites scored the case
  ...STORED_METRIC_NAMES,
  'suites',
  'leakage_volume_mm3',
  'unrounded',
  'empty',
  'pred_voxels',
  'pred_lcc_voxels',
  'outside_lcc_voxels',
  'leakage_voxels',
  'leakage_components',
]);

/** Of AIIB23's extras (under `aiib23`), the prediction-side ones: not the raw label's counts nor its skeleton. */
const TEAM_VISIBLE_AIIB = new Set<string>([
  'IoU',
  'DLR',
  'DBR',
  'Precision',
  'Leakage',
  'component_voxels',
  'pred_voxels',
  'aiib_component',
  'aiib_fallback',
  'empty',
  'leakage_voxels',
  'leakage_components',
  'leakage_volume_mm3',
]);

function teamMetrics(metrics: Record<string, unknown>): Record<string, unknown> {
  const shown = Object.fromEntries(Object.entries(metrics).filter(([key]) => TEAM_VISIBLE_METRICS.has(key)));
  if (metrics.aiib23 && typeof metrics.aiib23 === 'object') {
    shown.aiib23 = Object.fromEntries(Object.entries(metrics.aiib23).filter(([key]) => TEAM_VISIBLE_AIIB.has(key)));
  }
  return shown;
}

export function submissionSummary(row: SubmissionRow): SubmissionSummary {
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
    aggregate: row.aggregate,
  };
}

export function caseView(row: CaseEvaluationRow, showResults: boolean, organiser: boolean, inspectable = false): SubmissionCase {
  const error = row.error_code || row.error_message ? { code: row.error_code as FailureCode | null, message: row.error_message, owner: row.error_owner } : null;
  return {
    evaluationId: row.evaluation_id,
    /** The caller may open this case in the 3D viewer (`/api/evaluations/:id/viewer`) once it is done. */
    inspectable: inspectable && row.status === 'done',
    case: row.case_name,
    file: row.file_name,
    status: row.status,
    queuePosition: row.queue_position,
    progress: row.progress as SubmissionCase['progress'],
    attempts: row.attempts,
    error: showResults ? error : null,
    metrics: showResults && row.metrics ? (organiser ? row.metrics : teamMetrics(row.metrics)) : null,
  };
}

export function submissionDetail(row: SubmissionRow, cases: CaseEvaluationRow[], organiser: boolean): SubmissionDetail {
  const showResults = row.show_case_results || organiser;
  const inspectable = organiser || (row.show_case_results && row.teams_inspect_in_3d);
  return {
    submission: { ...submissionSummary(row), caseResultsShown: showResults },
    cases: cases.map((c) => caseView(c, showResults, organiser, inspectable)),
  };
}
