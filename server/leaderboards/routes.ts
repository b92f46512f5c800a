/**
 * /api routes of leaderboards: the public leaderboard of a phase. (The organisers' review, re-evaluation runs and
 * exports, server/review/, build on the leaderboard and are mounted beside it by server/app.ts.) A blind phase's
 * leaderboard is empty for everyone but its organisers while server/challenges/results-visibility.ts says so.
 */
import { Router, type Request, type Response } from 'express';
import { LeaderboardQuery } from '../../contract/leaderboards.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { isOrganiser, requireOrganiser } from '../challenges/access.ts';
import { resultsWithheld } from '../challenges/results-visibility.ts';
import { phaseById } from '../challenges/lookups.ts';
import { idParam } from '../http/path-id.ts';
import { leaderboardOf, phaseLeaderboard } from './leaderboard.ts';
import { uncertaintyVisible } from './uncertainty-visibility.ts';

export function leaderboardsRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/api/phases/:id/leaderboard', async (req: Request, res: Response) => {
    const all = ['1', 'true'].includes(LeaderboardQuery.parse(req.query).all ?? '0');
    const user = all ? requireUser(req) : undefined;
    const phase = await phaseById(deps.db, idParam(req.params.id, 'phase'));
    if (user) await requireOrganiser(deps.db, phase.challenge_id, user);
    const organiser = Boolean(user) || (await isOrganiser(deps.db, phase.challenge_id, req.auth?.user));
    const withheld = organiser ? null : resultsWithheld(phase);
    res.json(withheld ? { ...leaderboardOf(phase, []), withheld } : await phaseLeaderboard(deps.db, phase, all, uncertaintyVisible(phase, organiser)));
  });

  return router;
}
