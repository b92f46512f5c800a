/**
 * A submission's status from its cases' statuses: running while any case runs; queued while cases wait and none
 * runs; failed when a case failed and none is still pending; done when every case is done.
 */
export type CaseStatus = 'queued' | 'running' | 'done' | 'failed';

export function submissionStatus(cases: readonly CaseStatus[]): CaseStatus {
  if (cases.length === 0) return 'queued';
  if (cases.some((c) => c === 'running')) return 'running';
  if (cases.some((c) => c === 'queued')) return cases.some((c) => c !== 'queued') ? 'running' : 'queued';
  if (cases.some((c) => c === 'failed')) return 'failed';
  return 'done';
}
