/** Re-evaluation runs: start one for a submission or a whole phase, follow it, publish or discard it. */
import { Router, type Request, type Response } from 'express';
import { DecideRunBody, StartRunBody } from '../../contract/review.ts';
import { unknownSuites } from '../../contract/phases.ts';
import { SUITE_IDS } from '../../contract/metric-suites.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../app-deps.ts';
import { phaseForOrganiser, runForOrganiser, submissionForOrganiser } from './access.ts';
import { enqueueRankUncertainty } from '../jobs/enqueue.ts';
import { discardRun, publishRun } from './publish-run.ts';
import { startReevaluation } from './reevaluate.ts';
import { runReport } from './run-report.ts';
import { runJson, runsOfPhase, type RunRow } from './runs-store.ts';


function started(res: Response, result: { run: RunRow; evaluations: number; submissions: number }) {
  res.status(202).json({ run: runJson(result.run), evaluations: result.evaluations, submissions: result.submissions, progressUrl: `/api/runs/${result.run.id}` });
}

export function runsRouter(deps: AppDeps): Router {
  const router = Router();

  router.post('/api/submissions/:id/reevaluate', async (req: Request, res: Response) => {
    const { user, submission, phase } = await submissionForOrganiser(deps.db, req);
    const { reason, metricSuites } = StartRunBody.parse(req.body);
    if (metricSuites) {
      throw new AppError('BAD_REQUEST', `metricSuites: a phase's suites change for all its submissions at once: POST /api/phases/${phase.id}/reevaluate`);
    }
    started(res, await startReevaluation(deps, { actorId: user.id, phase, submission, reason }));
  });

  router.post('/api/phases/:id/reevaluate', async (req: Request, res: Response) => {
    const { user, phase } = await phaseForOrganiser(deps.db, req);
    const { reason, metricSuites } = StartRunBody.parse(req.body);
    const unknown = unknownSuites(metricSuites ?? []);
    if (unknown.length) {
      const message = `metricSuites: unknown suite ${unknown.map((s) => `"${s}"`).join(', ')}; known suites: ${SUITE_IDS.join(', ')}`;
      throw new AppError('VALIDATION_FAILED', message, [{ field: 'metricSuites', message }]);
    }
    started(res, await startReevaluation(deps, { actorId: user.id, phase, reason, metricSuites }));
  });

  router.get('/api/phases/:id/runs', async (req: Request, res: Response) => {
    const { phase } = await phaseForOrganiser(deps.db, req);
    res.json({ runs: (await runsOfPhase(deps.db, phase.id)).map(runJson) });
  });

  router.get('/api/runs/:id', async (req: Request, res: Response) => {
    const { run, phase } = await runForOrganiser(deps.db, req);
    res.json(await runReport(deps.db, phase, run));
  });

  router.post('/api/runs/:id/publish', async (req: Request, res: Response) => {
    const { user, run, phase } = await runForOrganiser(deps.db, req);
    const { reason } = DecideRunBody.parse(req.body ?? {});
    const published = await publishRun(deps.db, phase, run.id, user.id, reason || null);
    await enqueueRankUncertainty(deps.queue, phase.id);
    res.json({ run: runJson(published.run), submissionIds: published.submissionIds, changedCases: published.changedCases, moved: published.moved });
  });

  router.post('/api/runs/:id/discard', async (req: Request, res: Response) => {
    const { user, run } = await runForOrganiser(deps.db, req);
    const { reason } = DecideRunBody.parse(req.body ?? {});
    res.json({ run: runJson(await discardRun(deps.db, run.id, user.id, reason || null)) });
  });

  return router;
}
