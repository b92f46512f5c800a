/**
 * /api routes that take submissions, every one through the same pipeline (receive → validate → accept):
 * - POST /api/phases/:id/submissions — masks as multipart (field `files`, optional `note`) → 202 accepted, queued
 * - POST /api/phases/:id/models — multipart: `model` (.onnx), `manifest` (JSON text or file), optional `note`
 *   → 202 the accepted model submission, queued (one model run, then one evaluation, per hidden case)
 * - the resumable uploads under /api/uploads and POST /api/phases/:id/submissions/from-uploads (resumable/routes.ts)
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { AppError } from '../errors.ts';
import { acceptReceivedUpload } from './accept-upload.ts';
import { openIntakeTarget } from './intake-target.ts';
import type { IntakeKind } from './phase-window.ts';
import { receiveMultipart } from './receive-multipart.ts';
import { resumableRouter, type UploadsRouterOptions } from './resumable/routes.ts';

function phaseIdParam(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('NOT_FOUND', `no phase ${req.params.id}`);
  return id;
}

export function intakeRouter(deps: AppDeps, options: UploadsRouterOptions = {}): Router {
  const router = Router();

  const multipartIntake = (kind: IntakeKind) => async (req: Request, res: Response) => {
    const user = requireUser(req);
    const target = await openIntakeTarget(deps, phaseIdParam(req), user, kind);
    const upload = await receiveMultipart(req, res, deps.storage.scratchDir, target);
    res.status(202).json(await acceptReceivedUpload(deps, target, user.id, upload));
  };
  router.post('/api/phases/:id/submissions', multipartIntake('masks'));
  router.post('/api/phases/:id/models', multipartIntake('model'));

  router.use(resumableRouter(deps, options));
  return router;
}
