/** Organisers' downloads of a phase's leaderboard and per-case results, as CSV or JSON attachments. */
import { Router, type Request, type Response } from 'express';
import { CsvExportQuery } from '../../contract/review.ts';
import type { AppDeps } from '../app-deps.ts';
import { phaseForOrganiser } from './access.ts';
import { exportCsv, phaseExport } from './export.ts';

export function exportRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/api/phases/:id/export.csv', async (req: Request, res: Response) => {
    const { phase } = await phaseForOrganiser(deps.db, req);
    const { table } = CsvExportQuery.parse(req.query);
    const csv = exportCsv(await phaseExport(deps.db, phase), table);
    res.type('text/csv; charset=utf-8');
    res.attachment(`phase-${phase.id}-${table}.csv`);
    res.send(csv);
  });

  router.get('/api/phases/:id/export.json', async (req: Request, res: Response) => {
    const { phase } = await phaseForOrganiser(deps.db, req);
    res.attachment(`phase-${phase.id}-export.json`);
    res.type('application/json; charset=utf-8');
    res.send(JSON.stringify(await phaseExport(deps.db, phase), null, 1));
  });

  return router;
}
