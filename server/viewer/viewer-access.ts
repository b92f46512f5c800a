/**
 * Who may open a viewer (docs/viewer-api.md): the challenge's organisers, every evaluation and case; members of
 * the submitting team, their own published evaluations while the phase's results and per-case results are shown
 * to teams and it lets teams inspect in 3D (`teams_inspect_in_3d`, off by default: the view reveals the gold
 * standard's shape) — never in a model phase, whose CTs and gold standards stay hidden whatever the stored flag says
 * (server/challenges/results-visibility.ts decides). Every route of the viewer, JSON and binary, goes through here.
 * Anyone else gets 404 (ids cannot be probed); anonymous callers 401.
 */
import type { UserRow } from '../auth/store.ts';
import { isOrganiser } from '../challenges/access.ts';
import { caseResultsShownToTeams, resultsShownToTeams, teamsMayInspect } from '../challenges/results-visibility.ts';
import type { Pool } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { caseForViewer, evaluationForViewer, isTeamMember, type CaseForViewer, type EvaluationForViewer } from './viewer-store.ts';

export async function visibleEvaluation(db: Pool, user: UserRow, id: number): Promise<{ evaluation: EvaluationForViewer; organiser: boolean }> {
  const evaluation = await evaluationForViewer(db, id);
  const hidden = new AppError('NOT_FOUND', `no evaluation ${id} visible to you`);
  if (!evaluation) throw hidden;
  if (await isOrganiser(db, evaluation.challenge_id, user)) return { evaluation, organiser: true };
  if (!(await isTeamMember(db, evaluation.team_id, user.id))) throw hidden;
  if (evaluation.run_id !== null) throw hidden; // a re-evaluation the organisers have not published
  if (evaluation.kind === 'model') {
    throw new AppError('NOT_FOUND', `phase "${evaluation.phase_name}" is a model phase: its CTs and gold standards stay hidden, so evaluation ${id} cannot be inspected`);
  }
  if (!caseResultsShownToTeams(evaluation)) {
    throw new AppError('NOT_FOUND', `phase "${evaluation.phase_name}" does not show per-case results${resultsShownToTeams(evaluation) ? '' : ' now'}, so evaluation ${id} cannot be inspected`);
  }
  if (!teamsMayInspect(evaluation)) {
    throw new AppError('NOT_FOUND', `phase "${evaluation.phase_name}" does not let teams inspect their cases in 3D (the view shows the gold standard), so evaluation ${id} cannot be opened`);
  }
  return { evaluation, organiser: false };
}

export async function organisersCase(db: Pool, user: UserRow, id: number): Promise<CaseForViewer> {
  const row = await caseForViewer(db, id);
  if (!row || !(await isOrganiser(db, row.challenge_id, user))) throw new AppError('NOT_FOUND', `no case ${id} visible to you`);
  return row;
}
