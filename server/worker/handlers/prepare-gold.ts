/**
 * The `prepare-gold` job: prepare a gold standard once and cache it (storage), then build its viewer artefacts
 * (the surface and first slices the 3D view shows first). A bad file fails at once; a platform fault is retried
 * by the queue, and after the last retry (or a dead worker's time-out, via the dead-letter queue) it fails.
 */
import { EvaluatorError, encodePreparedGold, logEvent, prepareGold, preparedSummary, readVolume, PREPARED_GOLD_FILE } from '../../../evaluator/index.ts';
import { markGoldFailed, markGoldReady, markGoldRunning } from '../../challenges/gold-store.ts';
import type { JobContext } from '../../jobs/job-queue.ts';
import { loadGoldJob } from '../job-rows.ts';
import { buildGoldViewerArtefacts } from '../viewer-artefacts.ts';
import type { WorkerDeps } from '../worker-deps.ts';

/**
 * Prepares a ready gold standard again and overwrites its cached file (same key): for a cache written in an older
 * prepared-gold format, which this evaluator refuses rather than misreads.
 */
export async function reprepareGold(deps: WorkerDeps, goldStandardId: number, key: string) {
  const gold = await loadGoldJob(deps.db, goldStandardId);
  if (!gold) throw new Error(`gold standard ${goldStandardId} is gone`);
  const volume = await readVolume(await deps.storage.blobPath(gold.sha256), { maxVoxels: deps.config.maxVoxels, fileName: gold.file_name });
  const prepared = await prepareGold(volume, { sourceSha256: gold.sha256 });
  await deps.storage.putObject(key, encodePreparedGold(prepared));
  logEvent('info', 'gold standard prepared again (cached format was stale)', { goldStandardId, case: gold.case_name, key });
  return prepared;
}

export async function prepareGoldJob(deps: WorkerDeps, goldStandardId: number, context: JobContext): Promise<void> {
  const gold = await loadGoldJob(deps.db, goldStandardId);
  if (!gold || gold.status === 'ready') return;
  await markGoldRunning(deps.db, gold.id);
  const started = performance.now();
  try {
    const volume = await readVolume(await deps.storage.blobPath(gold.sha256), { maxVoxels: deps.config.maxVoxels, fileName: gold.file_name });
    const prepared = await prepareGold(volume, {
      sourceSha256: gold.sha256,
      onProgress: (stage) => logEvent('info', 'preparing gold standard', { goldStandardId, case: gold.case_name, stage }),
    });
    const key = `prepared/${gold.id}/${PREPARED_GOLD_FILE}`;
    await deps.storage.putObject(key, encodePreparedGold(prepared));
    const { branches: _branches, ...summary } = preparedSummary(prepared) as Record<string, unknown>;
    await markGoldReady(deps.db, gold.id, key, summary);
    logEvent('info', 'gold standard ready', { goldStandardId, case: gold.case_name, ms: Math.round(performance.now() - started) });
    // the 3D viewer's surface and first slices; never throws (a failure is logged, the viewer builds it later)
    await buildGoldViewerArtefacts(deps, gold, prepared);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof EvaluatorError || context.retryCount >= context.retryLimit) {
      await markGoldFailed(deps.db, gold.id, message);
      logEvent('warn', 'gold standard preparation failed', { goldStandardId, message });
      return;
    }
    throw error;
  }
}

/** A preparation that exhausted its retries without its handler finishing (e.g. every worker running it died). */
export async function goldDeadLetter(deps: WorkerDeps, goldStandardId: number): Promise<void> {
  const gold = await loadGoldJob(deps.db, goldStandardId);
  if (!gold || gold.status === 'ready') return;
  await markGoldFailed(deps.db, goldStandardId, `preparation did not finish within ${deps.config.evaluationTimeoutS} s after ${deps.config.evaluationRetries + 1} attempts`);
}
