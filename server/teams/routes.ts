/** /api/teams and /api/challenges/:slug/teams: create, join, leave, captaincy, organisers' review, listings. */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { idParam } from '../challenges/params.ts';
import { createTeam, handOverCaptaincy, joinTeam, leaveTeam, reviewTeam } from './service.ts';
import { challengeTeams, teamDetail, teamForMember } from './views.ts';

const newTeamBody = z.strictObject({
  challenge: z.string({ error: 'give the challenge slug' }).trim().min(1),
  name: z.string({ error: 'give the team a name' }).trim().min(1, 'must not be empty').max(80, 'must have at most 80 characters'),
});
const joinBody = z.strictObject({ inviteCode: z.string({ error: 'give the invite code your captain shared' }).trim().min(1).max(100) });
const captainBody = z.strictObject({ userId: z.number({ error: 'give the new captain\'s user id' }).int().positive() });
const reviewBody = z.strictObject({
  decision: z.enum(['accepted', 'rejected'], { error: 'must be "accepted" or "rejected"' }),
  reason: z
    .string()
    .trim()
    .max(1000)
    .nullish()
    .transform((text) => text || null),
});

export function teamsRouter(deps: AppDeps): Router {
  const router = Router();

  router.post('/api/teams', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const body = newTeamBody.parse(req.body ?? {});
    const team = await createTeam(deps, user, body.challenge, body.name);
    res.status(201).json({ team: await teamForMember(deps, team) });
  });

  router.post('/api/teams/join', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const { inviteCode } = joinBody.parse(req.body ?? {});
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
    const { userId } = captainBody.parse(req.body ?? {});
    const team = await handOverCaptaincy(deps, user, idParam(req.params.id, 'team'), userId);
    res.json({ team: await teamForMember(deps, team) });
  });

  router.post('/api/teams/:id/review', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const { decision, reason } = reviewBody.parse(req.body ?? {});
    const team = await reviewTeam(deps, user, idParam(req.params.id, 'team'), decision, reason);
    res.json({ team: { id: team.id, name: team.name, status: team.status, statusReason: team.status_reason } });
  });

  router.get('/api/challenges/:slug/teams', async (req: Request, res: Response) => {
    res.json({ teams: await challengeTeams(deps, String(req.params.slug), req.auth?.user) });
  });

  return router;
}
