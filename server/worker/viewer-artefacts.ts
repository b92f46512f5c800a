/**
 * The worker's viewer step: a viewer artefact that cannot be built is logged and skipped (the route builds it on
 * first request), and never fails a preparation or a score.
 * - after a gold standard is prepared (handlers/prepare-gold.ts): its surface, branch table and level-2 mask, and
 *   the case CT's level 2; when the case's phase ranks by aiib23 first, AIIB23's labelled surface and table too;
 * - for a scored case, in the low-priority `build-viewer` job (handlers/build-viewer.ts): the leakage surface and
 *   the level-2 mask of the prediction's largest component, unless the server already built them on a view.
 */
import { logEvent, readVolume, type PreparedGold } from '../../evaluator/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { artefactKeys, readArtefact } from '../viewer/artefact-store.ts';
import { storeCtLevel } from '../viewer/ct-artefacts.ts';
import { FIRST_LEVEL, storeAiibGoldArtefacts, storeGoldArtefacts } from '../viewer/gold-artefacts.ts';
import { storePredictionArtefacts } from '../viewer/prediction-artefacts.ts';
import { branchRuleOf, caseImage } from '../viewer/viewer-store.ts';
import type { WorkerDeps } from './worker-deps.ts';

export async function buildGoldViewerArtefacts(deps: AppDeps, gold: { id: number; case_id: number }, prepared: PreparedGold): Promise<void> {
  const started = performance.now();
  try {
    const report = await storeGoldArtefacts(deps.storage, gold.id, prepared);
    const ct = await caseImage(deps.db, gold.case_id);
    if (ct && branchRuleOf(ct.metric_suites) === 'aiib23') await storeAiibGoldArtefacts(deps.storage, gold.id, prepared);
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
  deps: WorkerDeps,
  scored: { evaluationId: number; goldStandardId: number; preparedKey: string; prediction: { sha256: string; fileName: string } },
): Promise<void> {
  const started = performance.now();
  const { sha256 } = scored.prediction;
  try {
    const built = await Promise.all([
      readArtefact(deps.storage, artefactKeys.leakageSurface(scored.goldStandardId, sha256)),
      readArtefact(deps.storage, artefactKeys.predictionMask(sha256, FIRST_LEVEL)),
    ]);
    if (built.every(Boolean)) return; // built on a first view meanwhile
    const prepared = await deps.goldCache.get(scored.preparedKey);
    const volume = await readVolume(await deps.storage.blobPath(sha256), { maxVoxels: deps.config.maxVoxels, fileName: scored.prediction.fileName });
    const report = await storePredictionArtefacts(deps.storage, scored.goldStandardId, sha256, prepared, volume);
    logEvent('info', 'viewer artefacts of evaluation built', { evaluationId: scored.evaluationId, totalMs: Math.round(performance.now() - started), ...report });
  } catch (error) {
    logEvent('warn', 'viewer artefacts of evaluation not built; they will be built on first view', {
      evaluationId: scored.evaluationId,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}
