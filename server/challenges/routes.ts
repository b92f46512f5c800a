/** /api routes of challenges: the challenges themselves, their phases, and the phases' cases. */
import { Router } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { caseRoutes } from './case-routes.ts';
import { challengeRoutes } from './challenge-routes.ts';
import { phaseRoutes } from './phase-routes.ts';

export function challengesRouter(deps: AppDeps): Router {
  const router = Router();
  router.use(challengeRoutes(deps));
  router.use(phaseRoutes(deps));
  router.use(caseRoutes(deps));
  return router;
}
