/**
 * /api routes of model phases:
 * (models are submitted through server/intake/: POST /api/phases/:id/models, or resumable uploads)
 * - GET  /api/phases/:id/model-rules — the phase's model limits, the caps every model must respect, an example manifest
 * - GET  /api/submissions/:id/model — a model submission's manifest, structure and per-case runs (team and organisers)
 */
import type { FailureCode } from '../../contract/error-codes.ts';
import type { SubmissionModel } from '../../contract/models.ts';
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { isOrganiser } from '../challenges/access.ts';
import { phaseById } from '../challenges/lookups.ts';
import { caseResultsShownToTeams, teamVisibleError } from '../challenges/results-visibility.ts';
import { AppError } from '../errors.ts';
import { isTeamMember, submissionById } from '../submissions/store.ts';
import { modelRules } from './model-rules.ts';
import { modelLimitsOf, modelRunsOfSubmission, submissionModel } from './model-store.ts';

function modelRunError(code: string, message: string | null, organiser: boolean): { code: FailureCode; message: string | null } {
  if (organiser) return { code: code as FailureCode, message };
  const shown = teamVisibleError({ code, message, owner: null }, false);
  return { code: (shown.code ?? code) as FailureCode, message: shown.message };
}

function idParam(req: Request, what: string): number {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('NOT_FOUND', `no ${what} ${req.params.id}`);
  return id;
}

export function modelsRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/api/phases/:id/model-rules', async (req: Request, res: Response) => {
    requireUser(req);
    const phase = await phaseById(deps.db, idParam(req, 'phase'));
    if (phase.kind !== 'model') throw new AppError('NOT_FOUND', `phase "${phase.name}" takes masks, not models`);
    const limits = await modelLimitsOf(deps.db, phase.id);
    res.json(modelRules(limits, Math.min(limits.maxBytes, deps.config.maxUploadBytes)));
  });

  router.get('/api/submissions/:id/model', async (req: Request, res: Response) => {
    const user = requireUser(req);
    const id = idParam(req, 'submission');
    const row = await submissionById(deps.db, id);
    const organiser = row ? await isOrganiser(deps.db, row.challenge_id, user) : false;
    if (!row || (!organiser && !(await isTeamMember(deps.db, row.team_id, user.id)))) throw new AppError('NOT_FOUND', `no submission ${id} visible to you`);
    const model = await submissionModel(deps.db, id);
    if (!model) throw new AppError('NOT_FOUND', `submission ${id} is a mask submission, not a model`);
    const runs = await modelRunsOfSubmission(deps.db, id);
    // a team sees per-case detail only where the phase shows case results, and never a model's own error text
    // (it may quote shapes or values computed from a hidden CT): the code with the catalogue's hint instead
    const hideCases = !organiser && !caseResultsShownToTeams(row);
    const reply: SubmissionModel = {
      submissionId: id,
      model: { file: model.original_name, sha256: model.sha256, structure: model.summary },
      manifest: model.manifest,
      runs: runs.map((r, n) => ({
        case: hideCases ? `case ${n + 1}` : r.case_name,
        status: r.status,
        attempts: r.attempts,
        // the patch count follows the hidden CT's size; time and memory follow it too
        patchesDone: hideCases ? null : r.patches_done,
        patchesTotal: hideCases ? null : r.patches_total,
        provider: r.provider,
        runMs: hideCases ? null : r.run_ms,
        peakMemoryMb: hideCases ? null : r.peak_memory_mb,
        error: r.error_code ? modelRunError(r.error_code, r.error_message, organiser) : null,
      })),
    };
    res.json(reply);
  });

  return router;
}
