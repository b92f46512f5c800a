/**
 * The worker's viewer step, run after the work people wait for is recorded: a viewer artefact that cannot be
 * built is logged and skipped (the route builds it on first request), and never fails a preparation or a score.
 * - after a gold standard is prepared: its surface, branch table and level-2 mask, and the case CT's level 2;
 * - after a case is scored: the leakage surface and the level-2 mask of the prediction's largest component.
 */
import { logEvent, type ImageVolume, type PreparedGold } from '../../evaluator/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { artefactKeys, readArtefact } from './artefact-store.ts';
import { storeCtLevel } from './ct-artefacts.ts';
import { FIRST_LEVEL, storeGoldArtefacts } from './gold-artefacts.ts';
import { storePredictionArtefacts } from './prediction-artefacts.ts';
import { caseImage } from './viewer-store.ts';

export async function buildGoldViewerArtefacts(deps: AppDeps, gold: { id: number; case_id: number }, prepared: PreparedGold): Promise<void> {
  const started = performance.now();
  try {
    const report = await storeGoldArtefacts(deps.storage, gold.id, prepared);
    const ct = await caseImage(deps.db, gold.case_id);
    if (ct && !(await readArtefact(deps.storage, artefactKeys.ct(ct.ct_sha256, FIRST_LEVEL)))) {
      await storeCtLevel(deps.storage, { sha256: ct.ct_sha256, fileName: ct.ct_file_name }, FIRST_LEVEL, deps.config.maxVoxels);
    }
    logEvent('info', 'viewer artefacts of gold standard built', { goldStandardId: gold.id, totalMs: Math.round(performance.now() - started), ...report });
  } catch (error) {
    logEvent('warn', 'viewer artefacts of gold standard not built; they will be built on first view', {
      goldStandardId: gold.id,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

export async function buildEvaluationViewerArtefacts(
  deps: AppDeps,
  scored: { evaluationId: number; goldStandardId: number; predSha256: string },
  prepared: PreparedGold,
  prediction: ImageVolume,
): Promise<void> {
  const started = performance.now();
  try {
    const report = await storePredictionArtefacts(deps.storage, scored.goldStandardId, scored.predSha256, prepared, prediction);
    logEvent('info', 'viewer artefacts of evaluation built', { evaluationId: scored.evaluationId, totalMs: Math.round(performance.now() - started), ...report });
  } catch (error) {
    logEvent('warn', 'viewer artefacts of evaluation not built; they will be built on first view', {
      evaluationId: scored.evaluationId,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}
