/** /api/teams and /api/challenges/:slug/teams: create, join, leave, captaincy, organisers' review, listings. */
import { Router, type Request, type Response } from 'express';
import { CaptainBody, JoinTeamBody, NewTeamBody, TeamReviewBody } from '../../contract/teams.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { idParam } from '../challenges/params.ts';
import { createTeam, handOverCaptaincy, joinTeam, leaveTeam, reviewTeam } from './service.ts';
import { challengeTeams, teamDetail, teamForMember } from './views.ts';

export function teamsRouter(deps: AppDeps): Router {
  const router = Router();

  router.post('/api/teams', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const body = NewTeamBody.parse(req.body ?? {});
    const team = await createTeam(deps, user, body.challenge, body.name);
    res.status(201).json({ team: await teamForMember(deps, team) });
  });

  router.post('/api/teams/join', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const { inviteCode } = JoinTeamBody.parse(req.body ?? {});
    const team = await joinTeam(deps, user, inviteCode);
    res.json({ team: await teamForMember(deps, team) });
  });

  router.get('/api/teams/:id', async (req: Request, res: Response) => {
    res.json({ team: await teamDetail(deps, idParam(req.params.id, 'team'), req.auth?.user) });
  });

  router.post('/api/teams/:id/leave', async (req: Request, res: Response) => {
    const user = requireUser(req);
    res.json(await leaveTeam(deps, user, idParam(req.params.id, 'team')));
  });

  router.post('/api/teams/:id/captain', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const { userId } = CaptainBody.parse(req.body ?? {});
    const team = await handOverCaptaincy(deps, user, idParam(req.params.id, 'team'), userId);
    res.json({ team: await teamForMember(deps, team) });
  });

  router.post('/api/teams/:id/review', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const { decision, reason } = TeamReviewBody.parse(req.body ?? {});
    const team = await reviewTeam(deps, user, idParam(req.params.id, 'team'), decision, reason);
    res.json({ team: { id: team.id, name: team.name, status: team.status, statusReason: team.status_reason } });
  });

  router.get('/api/challenges/:slug/teams', async (req: Request, res: Response) => {
    res.json({ teams: await challengeTeams(deps, String(req.params.slug), req.auth?.user) });
  });

  return router;
}
