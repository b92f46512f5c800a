/**
 * /api routes of leaderboards: the public leaderboard of a phase. The organisers' review, re-evaluation runs and
 * exports (server/review/) are mounted here too.
 */
import { Router, type Request, type Response } from 'express';
import { LeaderboardQuery } from '../../contract/leaderboards.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { phaseById, requireOrganiser } from '../challenges/access.ts';
import { idParam } from '../review/access.ts';
import { reviewRouter } from '../review/routes.ts';
import { phaseLeaderboard } from './leaderboard.ts';

export function leaderboardsRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/api/phases/:id/leaderboard', async (req: Request, res: Response) => {
    const all = ['1', 'true'].includes(LeaderboardQuery.parse(req.query).all ?? '0');
    const user = all ? requireUser(req) : undefined;
    const phase = await phaseById(deps.db, idParam(req.params.id, 'phase'));
    if (user) await requireOrganiser(deps.db, phase.challenge_id, user);
    res.json(await phaseLeaderboard(deps.db, phase, all));
  });

  router.use(reviewRouter(deps));
  return router;
}
