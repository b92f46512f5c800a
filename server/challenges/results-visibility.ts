/**
 * The one gate between a phase's results and its teams. Every place a team can see a result — the leaderboard,
 * its submissions (list, detail, `carina status`), the model runs, the 3D viewer — asks here, so a blind phase is
 * blind everywhere:
 * - `resultsVisibility` ('live' | 'after-close' | 'never') decides whether teams see any result now (scores,
 *   ranks, aggregates, per-case metrics);
 * - `showCaseResults` further hides per-case results (metrics, error text) while aggregates are shown;
 * - the 3D inspection needs both, a mask phase (a model phase's CTs and gold standards never reach a team) and
 *   `teamsInspectIn3d`;
 * - a team sees only the metrics on the allow-list below, and error text only where the text cannot carry hidden
 *   data: elsewhere the catalogue's hint for the failure code (a model's error message may quote shapes computed
 *   from a hidden CT; a reader's message may describe a hidden gold standard).
 * Organisers see everything; they are not asked here.
 */
import type { CaseError, FailureCode } from '../../contract/error-codes.ts';
import { FAILURE_CODES } from '../../contract/error-codes.ts';
import { METRIC_SUITES } from '../../contract/metric-suites.ts';
import type { ResultsVisibility } from '../../contract/phases.ts';
import { AGGREGATED_METRICS } from '../jobs/submission-aggregate.ts';

/** What the gate needs of a phase (a PhaseRow, or the phase's columns joined into another row). */
export interface PhaseResultRules {
  readonly kind: 'masks' | 'model';
  readonly closes_at: Date;
  readonly show_case_results: boolean;
  readonly teams_inspect_in_3d: boolean;
  readonly results_visibility: ResultsVisibility;
}

/** Teams see the phase's results (leaderboard, aggregates) now. */
export function resultsShownToTeams(phase: PhaseResultRules, now = new Date()): boolean {
  if (phase.results_visibility === 'never') return false;
  if (phase.results_visibility === 'after-close') return now >= phase.closes_at;
  return true;
}

/** Teams see their per-case results (metrics per case, failures with their text) now. */
export function caseResultsShownToTeams(phase: PhaseResultRules, now = new Date()): boolean {
  return phase.show_case_results && resultsShownToTeams(phase, now);
}

/** Teams may open the 3D inspection of their own cases (it serves the CT and the gold standard's shape). */
export function teamsMayInspect(phase: PhaseResultRules, now = new Date()): boolean {
  return phase.kind === 'masks' && phase.teams_inspect_in_3d && caseResultsShownToTeams(phase, now);
}

/** Why results are withheld from teams, for the replies that say so (null when they are shown). */
export function resultsWithheld(phase: PhaseResultRules, now = new Date()): { visibility: ResultsVisibility; visibleFrom: string | null } | null {
  if (resultsShownToTeams(phase, now)) return null;
  return { visibility: phase.results_visibility, visibleFrom: phase.results_visibility === 'after-close' ? phase.closes_at.toISOString() : null };
}

/**
 * The metrics a team may see of one of its cases: the official metrics of every suite, their unrounded values and
 * prediction-side counts. Nothing derived from the gold standard alone (branch tables, skeleton sizes, per-branch
 * flags) is on the list.
 */
export const TEAM_VISIBLE_METRICS: ReadonlySet<string> = new Set<string>([
  ...AGGREGATED_METRICS,
  ...Object.values(METRIC_SUITES).flatMap((suite) => suite.metrics.map((m) => m.name)),
  'suites',
  'unrounded',
  'empty',
  'pred_voxels',
  'leakage_volume_mm3',
  'pred_lcc_voxels',
  'outside_lcc_voxels',
  'leakage_voxels',
  'leakage_components',
]);

/** Of AIIB23's extras (under `aiib23`), the prediction-side ones: not the raw label's counts nor its skeleton. */
const TEAM_VISIBLE_AIIB: ReadonlySet<string> = new Set<string>([
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

export function teamVisibleMetrics(metrics: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const shown: Record<string, unknown> = Object.fromEntries(Object.entries(metrics).filter(([key]) => TEAM_VISIBLE_METRICS.has(key)));
  const aiib = metrics.aiib23;
  if (aiib && typeof aiib === 'object') {
    shown.aiib23 = Object.fromEntries(Object.entries(aiib).filter(([key]) => TEAM_VISIBLE_AIIB.has(key)));
  }
  return shown;
}

/**
 * Error text a team may read: in a mask phase whose per-case results are shown, the stored message (it describes
 * the team's own file); otherwise only the code with the catalogue's hint.
 */
export function errorTextShownToTeams(phase: PhaseResultRules, now = new Date()): boolean {
  return phase.kind === 'masks' && caseResultsShownToTeams(phase, now);
}

/** A failure as a team may see it; `withText` from errorTextShownToTeams. */
export function teamVisibleError(error: { code: string | null; message: string | null; owner: 'team' | 'platform' | null }, withText: boolean): CaseError {
  if (withText) return { code: error.code as FailureCode | null, message: error.message, owner: error.owner };
  const known = error.code !== null && error.code in FAILURE_CODES ? FAILURE_CODES[error.code as FailureCode] : undefined;
  return {
    code: known ? (error.code as FailureCode) : null,
    message: known ? known.hint : 'the case failed; its details are shown to the organisers only in this phase',
    owner: known ? known.owner : error.owner,
  };
}
