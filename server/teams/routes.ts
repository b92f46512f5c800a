/** /api routes of teams (to be filled in). */
import { Router } from 'express';
import type { AppDeps } from '../app-deps.ts';

export function teamsRouter(_deps: AppDeps): Router {
  return Router();
}
