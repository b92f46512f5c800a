/**
 * Who sees a phase's rank uncertainty: its organisers always; teams and visitors only where the phase shows them
 * per-case results now (server/challenges/results-visibility.ts: `show_case_results` and the phase's
 * `resultsVisibility`), since the intervals are computed from per-case scores.
 */
import { caseResultsShownToTeams, type PhaseResultRules } from '../challenges/results-visibility.ts';

export function uncertaintyVisible(phase: PhaseResultRules, organiser: boolean, now = new Date()): boolean {
  return organiser || caseResultsShownToTeams(phase, now);
}
