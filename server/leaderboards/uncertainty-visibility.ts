/**
 * Who sees a phase's rank uncertainty: its organisers always; teams and visitors only where the phase shows
 * results to teams (today: `show_case_results`, the same check as the per-case results of a submission). The one
 * gate, so that a later results-visibility option changes it here only.
 */
import type { PhaseRow } from '../challenges/rows.ts';

export function uncertaintyVisible(phase: Pick<PhaseRow, 'show_case_results'>, organiser: boolean): boolean {
  return organiser || phase.show_case_results;
}
