/**
 * A scored prediction's viewer artefacts: the leakage surface (L outside G, against the gold standard it was
 * scored with) and the level-2 mask of L. Built by the worker right after scoring and, when missing, on the first
 * request. L is the prediction's largest 6-connected component, found with the evaluator's own kernels.
 */
import { foregroundRuns, largestComponentRuns, type ImageVolume, type PreparedGold, type RunSet } from '../../evaluator/index.ts';
import { encodeMesh } from '../../contract/viewer/mesh-format.ts';
import type { Storage } from '../storage/storage.ts';
import { artefactKeys, buildOnce, gzip } from './artefact-store.ts';
import { FIRST_LEVEL, type ArtefactReport, type GoldRef } from './gold-artefacts.ts';
import { leakageSurface } from './mesh/airway-surfaces.ts';
import { loadPreparedGold, readStoredImage, type StoredImage } from './sources.ts';
import { encodeLevel, runsMaskAtLevel } from './volume-levels.ts';

export function largestComponentOf(prediction: ImageVolume): RunSet {
  const [nx, ny, nz] = prediction.size;
  const shape = [nz, ny, nx] as const;
  return largestComponentRuns(foregroundRuns(prediction.data as ArrayLike<number>, shape), shape);
}

export async function storePredictionArtefacts(
  storage: Storage,
  goldId: number,
  predSha: string,
  gold: PreparedGold,
  prediction: ImageVolume,
): Promise<ArtefactReport> {
  let started = performance.now();
  const lcc = largestComponentOf(prediction);
  const surface = await leakageSurface(gold, lcc);
  const surfaceGz = await gzip(encodeMesh(surface.mesh), { level: 6 });
  await storage.putObject(artefactKeys.leakageSurface(goldId, predSha), surfaceGz);
  const surfaceMs = Math.round(performance.now() - started);
  started = performance.now();
  const maskGz = await encodeLevel(prediction, FIRST_LEVEL, runsMaskAtLevel(lcc, prediction, FIRST_LEVEL));
  await storage.putObject(artefactKeys.predictionMask(predSha, FIRST_LEVEL), maskGz);
  return {
    ms: { leakageSurface: surfaceMs, mask: Math.round(performance.now() - started) },
    bytes: { leakageSurface: surfaceGz.length, mask: maskGz.length },
    triangles: { extracted: surface.extractedTriangles, kept: surface.mesh.triangles.length / 3 },
  };
}

/** Builds a prediction's artefacts from storage (once at a time per gold standard and prediction). */
export function buildPredictionArtefacts(storage: Storage, gold: GoldRef, prediction: StoredImage, maxVoxels: number): Promise<ArtefactReport> {
  return buildOnce(`prediction:${gold.id}:${prediction.sha256}`, async () => {
    const prepared = await loadPreparedGold(storage, gold.prepared_key);
    const volume = await readStoredImage(storage, prediction, maxVoxels);
    return storePredictionArtefacts(storage, gold.id, prediction.sha256, prepared, volume);
  });
}

/** L at any level, built on demand from the prediction file. */
export async function storePredictionMask(storage: Storage, prediction: StoredImage, level: number, maxVoxels: number): Promise<void> {
  const volume = await readStoredImage(storage, prediction, maxVoxels);
  const mask = runsMaskAtLevel(largestComponentOf(volume), volume, level);
  await storage.putObject(artefactKeys.predictionMask(prediction.sha256, level), await encodeLevel(volume, level, mask));
}
