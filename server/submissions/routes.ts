/**
 * /api routes of submissions:
 * (submissions are made through server/intake/: POST /api/phases/:id/submissions, …/models, …/from-uploads)
 * - GET  /api/phases/:id/quota — the caller's team's quota in the phase, with the rule
 * - GET  /api/phases/:id/submissions/mine — the caller's team's submissions in the phase, newest first
 * - GET  /api/submissions/:id — one submission with its cases (team and organisers only; 404 for anyone else)
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { isOrganiser } from '../challenges/access.ts';
import { phaseById, teamOfUser } from '../challenges/lookups.ts';
import type { PhaseRow } from '../challenges/rows.ts';
import type { UserRow } from '../auth/store.ts';
import { AppError } from '../errors.ts';
import { quotaOf } from './quota.ts';
import { caseEvaluations, isTeamMember, submissionById, submissionsOfTeam } from './store.ts';
import { submissionDetail, submissionSummary } from './submission-view.ts';

function idParam(req: Request, what: string): number {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('NOT_FOUND', `no ${what} ${req.params.id}`);
  return id;
}

async function teamInPhase(deps: AppDeps, phase: PhaseRow, user: UserRow) {
  const team = await teamOfUser(deps.db, phase.challenge_id, user.id);
  if (!team) throw new AppError('FORBIDDEN', `join or create a team in this challenge first to submit to phase "${phase.name}"`);
  return team;
}

export function submissionsRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/api/phases/:id/quota', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const phase = await phaseById(deps.db, idParam(req, 'phase'));
    const team = await teamInPhase(deps, phase, user);
    res.json(await quotaOf(deps.db, phase, team.id));
  });

  router.get('/api/phases/:id/submissions/mine', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const phase = await phaseById(deps.db, idParam(req, 'phase'));
    const team = await teamInPhase(deps, phase, user);
    const rows = await submissionsOfTeam(deps.db, phase.id, team.id);
    const organiser = await isOrganiser(deps.db, phase.challenge_id, user);
    res.json({ team: { id: team.id, name: team.name }, submissions: rows.map((row) => submissionSummary(row, organiser)) });
  });

  router.get('/api/submissions/:id', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const id = idParam(req, 'submission');
    const row = await submissionById(deps.db, id);
    const organiser = row ? await isOrganiser(deps.db, row.challenge_id, user) : false;
    // 404, not 403, for submissions of other teams: ids cannot be probed
    if (!row || (!organiser && !(await isTeamMember(deps.db, row.team_id, user.id)))) {
      throw new AppError('NOT_FOUND', `no submission ${id} visible to you`);
    }
    res.json(submissionDetail(row, await caseEvaluations(deps.db, id), organiser));
  });

  return router;
}
