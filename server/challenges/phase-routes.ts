/** /api/challenges/:slug/phases and /api/phases/:id: organisers create and change phases; everyone reads them. */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { enqueueRankUncertainty } from '../jobs/enqueue.ts';
import { idParam } from './params.ts';
import { newPhaseInput, phaseChangesInput } from './phase-input.ts';
import { changePhase, createPhase, phaseDetail } from './phase-service.ts';
import { phaseView } from './views.ts';

export function phaseRoutes(deps: AppDeps): Router {
  const router = Router();

  router.post('/api/challenges/:slug/phases', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const fields = newPhaseInput.parse(req.body ?? {});
    const phase = await createPhase(deps, user, String(req.params.slug), fields);
    res.status(201).json({ phase: phaseView(phase, 0) });
  });

  router.patch('/api/phases/:id', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const changes = phaseChangesInput.parse(req.body ?? {});
    const phase = await changePhase(deps, user, idParam(req.params.id, 'phase'), changes);
    // another scheme or pick orders the leaderboard differently: its rank intervals are recomputed
    if (changes.ranking || changes.leaderboardPick) await enqueueRankUncertainty(deps.queue, phase.id);
    const { caseNames } = await phaseDetail(deps, phase.id);
    res.json({ phase: phaseView(phase, caseNames.length) });
  });

  router.get('/api/phases/:id', async (req: Request, res: Response) => {
    const { phase, challenge, caseNames } = await phaseDetail(deps, idParam(req.params.id, 'phase'));
    res.json({ phase: { ...phaseView(phase, caseNames.length), challengeSlug: challenge.slug, cases: caseNames } });
  });

  return router;
}
