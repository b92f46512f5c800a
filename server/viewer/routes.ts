/**
 * The 3D inspection viewer's routes (docs/viewer-api.md):
 * - GET /api/evaluations/:id/viewer — the scene as JSON (branch results, counts, artefact URLs)
 * - GET /api/evaluations/:id/viewer/gold-surface | leakage-surface — binary meshes (CMSH, gzip); the gold surface
 *   and the branches follow the phase's first suite (`branchRuleOf`: ATM'22 branches or AIIB23 segments)
 * - GET /api/evaluations/:id/viewer/ct | gold | prediction ?level=0..3 — binary volumes (CVOL, gzip)
 * - GET /api/cases/:id/viewer, /gold-surface, /ct, /gold — the same for a case, organisers only
 * Artefacts are built by the worker when a gold standard is prepared or a case scored; a missing one is built
 * on the first request and cached.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { BranchRule } from '../../contract/viewer/viewer-json.ts';
import type { AppDeps } from '../app-deps.ts';
import { requireUser } from '../auth/authenticate.ts';
import { idParam } from '../challenges/params.ts';
import { AppError } from '../errors.ts';
import { withEvaluatorErrors } from './evaluator-errors.ts';
import { artefactKeys, cachedArtefact, gunzip } from './artefact-store.ts';
import type { ViewerBranchTable } from './branch-table.ts';
import { storeCtLevel } from './ct-artefacts.ts';
import { MAX_LEVEL } from './downsample.ts';
import { buildGoldArtefacts, goldBuildName, storeGoldMask, type GoldRef } from './gold-artefacts.ts';
import { buildPredictionArtefacts, storePredictionMask } from './prediction-artefacts.ts';
import { sendGzipped, sendJson } from './send-artefact.ts';
import type { StoredImage } from './sources.ts';
import { organisersCase, visibleEvaluation } from './viewer-access.ts';
import { branchRuleOf, goldForViewer, type EvaluationForViewer, type GoldForViewer } from './viewer-store.ts';
import { caseViewer, evaluationViewer } from './viewer-view.ts';

const LEVEL_RULE = `level must be an integer from 0 (full resolution) to ${MAX_LEVEL}`;
const levelQuery = z.object({
  level: z.coerce.number({ error: LEVEL_RULE }).int(LEVEL_RULE).min(0, LEVEL_RULE).max(MAX_LEVEL, LEVEL_RULE).default(0),
});

function levelOf(req: Request): number {
  return levelQuery.parse(req.query).level;
}

function readyGold(gold: GoldForViewer | undefined, caseName: string): GoldRef {
  if (!gold) throw new AppError('CONFLICT', `case ${caseName} has no gold standard yet`);
  if (gold.status !== 'ready' || !gold.prepared_key) {
    const why = gold.status === 'failed' ? 'its preparation failed; the organisers can upload a corrected version' : 'it is still being prepared; try again in a minute';
    throw new AppError('CONFLICT', `the gold standard of case ${caseName} (version ${gold.version}) is not ready: ${why}`);
  }
  return { id: gold.id, prepared_key: gold.prepared_key };
}

async function branchTable(deps: AppDeps, gold: GoldForViewer | undefined, rule: BranchRule): Promise<ViewerBranchTable | undefined> {
  if (gold?.status !== 'ready' || !gold.prepared_key) return undefined;
  const ref = { id: gold.id, prepared_key: gold.prepared_key };
  const gz = await withEvaluatorErrors(() =>
    cachedArtefact(deps.storage, artefactKeys.goldBranches(gold.id, rule), () => buildGoldArtefacts(deps.storage, ref, rule), goldBuildName(gold.id, rule)),
  );
  return JSON.parse((await gunzip(gz)).toString('utf8')) as ViewerBranchTable;
}

function predictionImage(evaluation: EvaluationForViewer): StoredImage {
  if (!evaluation.pred_sha256 || !evaluation.pred_name) throw new AppError('NOT_FOUND', `evaluation ${evaluation.id} has no prediction file`);
  return { sha256: evaluation.pred_sha256, fileName: evaluation.pred_name };
}

export function viewerRouter(deps: AppDeps): Router {
  const router = Router();
  const { storage } = deps;
  const maxVoxels = deps.config.maxVoxels;

  const evaluationOf = async (req: Request) => {
    const { evaluation, organiser } = await visibleEvaluation(deps.db, requireUser(req), idParam(req.params.id, 'evaluation'));
    return { evaluation, organiser, gold: await goldForViewer(deps.db, evaluation.case_id, evaluation.gold_standard_id) };
  };
  const caseOf = async (req: Request) => {
    const row = await organisersCase(deps.db, requireUser(req), idParam(req.params.id, 'case'));
    return { row, gold: await goldForViewer(deps.db, row.id, null) };
  };
  const send = async (req: Request, res: Response, key: string, build: () => Promise<unknown>, buildName?: string) => {
    await sendGzipped(req, res, key, await withEvaluatorErrors(() => cachedArtefact(storage, key, build, buildName)));
  };
  const goldSurface = (req: Request, res: Response, gold: GoldRef, rule: BranchRule) =>
    send(req, res, artefactKeys.goldSurface(gold.id, rule), () => buildGoldArtefacts(storage, gold, rule), goldBuildName(gold.id, rule));
  const goldMask = (req: Request, res: Response, gold: GoldRef, level: number) =>
    send(req, res, artefactKeys.goldMask(gold.id, level), () => (level === 2 ? buildGoldArtefacts(storage, gold) : storeGoldMask(storage, gold, level)), level === 2 ? `gold:${gold.id}` : undefined);
  const ct = (req: Request, res: Response, image: StoredImage, level: number) =>
    send(req, res, artefactKeys.ct(image.sha256, level), () => storeCtLevel(storage, image, level, maxVoxels));

  router.get('/api/evaluations/:id/viewer', async (req: Request, res: Response) => {
    const { evaluation, gold, organiser } = await evaluationOf(req);
    const rule = branchRuleOf(evaluation.metric_suites);
    await sendJson(req, res, evaluationViewer(evaluation, gold, await branchTable(deps, gold, rule), organiser, rule));
  });

  router.get('/api/evaluations/:id/viewer/gold-surface', async (req: Request, res: Response) => {
    const { evaluation, gold } = await evaluationOf(req);
    await goldSurface(req, res, readyGold(gold, evaluation.case_name), branchRuleOf(evaluation.metric_suites));
  });

  router.get('/api/evaluations/:id/viewer/leakage-surface', async (req: Request, res: Response) => {
    const { evaluation, gold } = await evaluationOf(req);
    if (evaluation.status !== 'done') {
      throw new AppError('CONFLICT', `evaluation ${evaluation.id} is ${evaluation.status}: its leakage surface exists once it is scored`);
    }
    const ref = readyGold(gold, evaluation.case_name);
    const prediction = predictionImage(evaluation);
    await send(req, res, artefactKeys.leakageSurface(ref.id, prediction.sha256), () => buildPredictionArtefacts(storage, ref, prediction, maxVoxels), `prediction:${ref.id}:${prediction.sha256}`);
  });

  router.get('/api/evaluations/:id/viewer/ct', async (req: Request, res: Response) => {
    const { evaluation } = await evaluationOf(req);
    const level = levelOf(req);
    await ct(req, res, { sha256: evaluation.ct_sha256, fileName: evaluation.ct_file_name }, level);
  });

  router.get('/api/evaluations/:id/viewer/gold', async (req: Request, res: Response) => {
    const { evaluation, gold } = await evaluationOf(req);
    const level = levelOf(req);
    await goldMask(req, res, readyGold(gold, evaluation.case_name), level);
  });

  router.get('/api/evaluations/:id/viewer/prediction', async (req: Request, res: Response) => {
    const { evaluation } = await evaluationOf(req);
    const level = levelOf(req);
    const prediction = predictionImage(evaluation);
    await send(req, res, artefactKeys.predictionMask(prediction.sha256, level), () => storePredictionMask(storage, prediction, level, maxVoxels));
  });

  router.get('/api/cases/:id/viewer', async (req: Request, res: Response) => {
    const { row, gold } = await caseOf(req);
    const rule = branchRuleOf(row.metric_suites);
    await sendJson(req, res, caseViewer(row, gold, await branchTable(deps, gold, rule), rule));
  });

  router.get('/api/cases/:id/viewer/gold-surface', async (req: Request, res: Response) => {
    const { row, gold } = await caseOf(req);
    await goldSurface(req, res, readyGold(gold, row.name), branchRuleOf(row.metric_suites));
  });

  router.get('/api/cases/:id/viewer/ct', async (req: Request, res: Response) => {
    const { row } = await caseOf(req);
    const level = levelOf(req);
    await ct(req, res, { sha256: row.ct_sha256, fileName: row.ct_file_name }, level);
  });

  router.get('/api/cases/:id/viewer/gold', async (req: Request, res: Response) => {
    const { row, gold } = await caseOf(req);
    const level = levelOf(req);
    await goldMask(req, res, readyGold(gold, row.name), level);
  });

  return router;
}
