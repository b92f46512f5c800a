/** /api routes of challenges (to be filled in). */
import { Router } from 'express';
import type { AppDeps } from '../app-deps.ts';

export function challengesRouter(_deps: AppDeps): Router {
  return Router();
}
