/**
 * A submission's status follows from its cases' evaluations (the published ones, run_id null). The worker
 * updates the evaluations and then calls this to set `submissions.status`, so the API and the worker agree:
 * - 'queued'  — no case has started: every case waits (or there are no cases yet);
 * - 'running' — some case runs, or some cases have finished while others still wait;
 * - 'failed'  — nothing waits or runs any more and at least one case failed;
 * - 'done'    — every case is done.
 * Pure.
 */
import type { CaseStatus, SubmissionStatus } from '../../contract/submissions.ts';

export type { CaseStatus, SubmissionStatus };

export function submissionStatus(cases: readonly CaseStatus[]): SubmissionStatus {
  if (cases.length === 0) return 'queued';
  if (cases.some((c) => c === 'running')) return 'running';
  if (cases.some((c) => c === 'queued')) return cases.some((c) => c !== 'queued') ? 'running' : 'queued';
  if (cases.some((c) => c === 'failed')) return 'failed';
  return 'done';
}
