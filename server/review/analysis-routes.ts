/** Organisers' ranking analysis of a phase, and the challenge report as HTML and JSON attachments. */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.ts';
import { challengeById } from '../challenges/lookups.ts';
import { phaseForOrganiser } from './access.ts';
import { challengeReport, phaseAnalysisReply } from './phase-analysis.ts';

export function analysisRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/api/phases/:id/analysis', async (req: Request, res: Response) => {
    const { phase } = await phaseForOrganiser(deps.db, req);
    res.json(await phaseAnalysisReply(deps.db, phase));
  });

  router.get('/api/phases/:id/report.html', async (req: Request, res: Response) => {
    const { phase } = await phaseForOrganiser(deps.db, req);
    const challenge = await challengeById(deps.db, phase.challenge_id);
    const html = challengeReport(await phaseAnalysisReply(deps.db, phase), challenge.title);
    res.attachment(`phase-${phase.id}-report.html`);
    res.type('text/html; charset=utf-8');
    res.send(html);
  });

  router.get('/api/phases/:id/report.json', async (req: Request, res: Response) => {
    const { phase } = await phaseForOrganiser(deps.db, req);
    res.attachment(`phase-${phase.id}-report.json`);
    res.type('application/json; charset=utf-8');
    res.send(JSON.stringify(await phaseAnalysisReply(deps.db, phase), null, 1));
  });

  return router;
}
