/**
 * Cases and gold standards: organisers upload them (multipart, checked before anything is stored) and download
 * the CT; everyone who sees a phase gets its case names and CT geometry. Participants can never download a CT
 * or a gold standard: there is no route for it.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { NewCaseFields } from '../../contract/cases.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { requireOrganiser } from './access.ts';
import { phaseById } from './lookups.ts';
import type { PhaseRow } from './rows.ts';
import { addCase, addGoldVersion, casesForViewer, organisersCase } from './case-service.ts';
import type { CaseInChallenge } from './case-store.ts';
import { caseFilesUpload, requireUploadedFile, withUploads } from './case-upload.ts';
import { idParam } from './params.ts';
import { caseView, goldView } from './views.ts';

export function caseRoutes(deps: AppDeps): Router {
  const router = Router();

  // the organiser check runs before the upload is accepted, so nobody else can fill the scratch folder
  const phaseOrganiser = async (req: Request, res: Response, next: NextFunction) => {
    const user = requireUser(req);
    const phase = await phaseById(deps.db, idParam(req.params.id, 'phase'));
    await requireOrganiser(deps.db, phase.challenge_id, user);
    res.locals.phase = phase;
    next();
  };
  const caseOrganiser = async (req: Request, res: Response, next: NextFunction) => {
    res.locals.case = await organisersCase(deps, requireUser(req), idParam(req.params.id, 'case'));
    next();
  };

  router.post('/api/phases/:id/cases', phaseOrganiser, ...caseFilesUpload(deps, ['ct', 'gold']), async (req: Request, res: Response) => {
    const phase = res.locals.phase as PhaseRow;
    const { caseRow, gold } = await withUploads(req, async () => {
      const name = NewCaseFields.parse(req.body ?? {}).name;
      const ct = requireUploadedFile(req, 'ct', 'CT volume');
      const goldFile = requireUploadedFile(req, 'gold', 'gold-standard airway mask');
      return addCase(deps, requireUser(req), phase, { name, ct, gold: goldFile });
    });
    res.status(201).json({ case: { ...caseView(caseRow), gold: { id: gold.id, version: gold.version, status: gold.status } } });
  });

  router.post('/api/cases/:id/gold', caseOrganiser, ...caseFilesUpload(deps, ['gold']), async (req: Request, res: Response) => {
    const caseRow = res.locals.case as CaseInChallenge;
    const gold = await withUploads(req, async () => {
      const file = requireUploadedFile(req, 'gold', 'corrected gold-standard airway mask');
      return addGoldVersion(deps, requireUser(req), caseRow, file);
    });
    res.status(201).json({ gold: goldView(gold) });
  });

  router.get('/api/phases/:id/cases', async (req: Request, res: Response) => {
    const phase = await phaseById(deps.db, idParam(req.params.id, 'phase'));
    const { cases, golds } = await casesForViewer(deps, phase, req.auth?.user);
    // a model phase's CTs are hidden: their grid too (golds is set for organisers only)
    const hideGrid = phase.kind === 'model' && !golds;
    res.json({
      cases: cases.map((c) => ({
        ...caseView(c),
        ...(hideGrid ? { geometry: null } : {}),
        ...(golds ? { ctFileName: c.ct_file_name, goldVersions: (golds.get(c.id) ?? []).map(goldView) } : {}),
      })),
    });
  });

  router.get('/api/cases/:id/ct', caseOrganiser, async (_req: Request, res: Response) => {
    const caseRow = res.locals.case as CaseInChallenge;
    const path = await deps.storage.blobPath(caseRow.ct_sha256);
    res.attachment(caseRow.ct_file_name);
    res.type('application/octet-stream');
    await new Promise<void>((resolve, reject) => res.sendFile(path, (error) => (error ? reject(error) : resolve())));
  });

  return router;
}
