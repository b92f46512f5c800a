/** /api routes of leaderboards (to be filled in). */
import { Router } from 'express';
import type { AppDeps } from '../app-deps.ts';

export function leaderboardsRouter(_deps: AppDeps): Router {
  return Router();
}
