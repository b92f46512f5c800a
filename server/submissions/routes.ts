/** /api routes of submissions (to be filled in). */
import { Router } from 'express';
import type { AppDeps } from '../app-deps.ts';

export function submissionsRouter(_deps: AppDeps): Router {
  return Router();
}
