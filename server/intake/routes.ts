/**
 * /api routes that take submissions, every one through the same pipeline (receive → validate → accept):
 * - POST /api/phases/:id/submissions — masks as multipart (field `files`, optional `note`) → 202 accepted, queued
 * - POST /api/phases/:id/models — multipart: `model` (.onnx), `manifest` (JSON text or file), optional `note`
 *   → 202 the accepted model submission, queued (one model run, then one evaluation, per hidden case)
 * - the resumable uploads under /api/uploads and POST /api/phases/:id/submissions/from-uploads (resumable/routes.ts)
 * Every upload is admitted against the team's bytes in flight and the free space before its first byte
 * (team-upload-budget.ts); one refused after receiving counts toward the team's rejected uploads (rejected-uploads.ts).
 */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { AppError } from '../errors.ts';
import { acceptReceivedUpload } from './accept-upload.ts';
import { openIntakeTarget } from './intake-target.ts';
import type { IntakeKind } from './phase-window.ts';
import { receiveMultipart } from './receive-multipart.ts';
import { recordRejectedUpload } from './rejected-uploads.ts';
import { TeamUploadBudget } from './team-upload-budget.ts';
import { resumableRouter, type UploadsRouterOptions } from './resumable/routes.ts';

function phaseIdParam(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('NOT_FOUND', `no phase ${req.params.id}`);
  return id;
}

export function intakeRouter(deps: AppDeps, options: UploadsRouterOptions = {}): Router {
  const router = Router();

  const budget = new TeamUploadBudget(deps);
  const multipartIntake = (kind: IntakeKind) => async (req: Request, res: Response) => {
    const user = requireUser(req);
    const target = await openIntakeTarget(deps, phaseIdParam(req), user, kind);
    // the body's size, admitted before its first byte (without a Content-Length: the most the form may carry)
    const declared = Number(req.get('content-length') ?? NaN);
    const bytes = Number.isSafeInteger(declared) && declared >= 0 ? declared : target.maxFileBytes * target.maxFiles;
    const release = await budget.admit(target.team, bytes, true);
    try {
      const upload = await receiveMultipart(req, res, deps.storage.scratchDir, target);
      res.status(202).json(await acceptReceivedUpload(deps, target, user.id, upload));
    } catch (error) {
      await recordRejectedUpload(deps.db, target.team.id, target.phase.id, error);
      throw error;
    } finally {
      release();
    }
  };
  router.post('/api/phases/:id/submissions', multipartIntake('masks'));
  router.post('/api/phases/:id/models', multipartIntake('model'));

  router.use(resumableRouter(deps, { ...options, budget }));
  return router;
}
