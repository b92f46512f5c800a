/**
 * Reading what artefacts are built from, for builds on demand: the prepared gold standard, a prediction and a CT
 * (stored blobs read by their uploaded names, like the worker does).
 */
import { decodePreparedGold, readVolume, type ImageVolume, type PreparedGold } from '../../evaluator/index.ts';
import type { Storage } from '../storage/storage.ts';

export async function loadPreparedGold(storage: Storage, preparedKey: string): Promise<PreparedGold> {
  return decodePreparedGold(await storage.getObject(preparedKey), preparedKey);
}

export interface StoredImage {
  readonly sha256: string;
  readonly fileName: string;
}

export async function readStoredImage(storage: Storage, image: StoredImage, maxVoxels: number): Promise<ImageVolume> {
  return readVolume(await storage.blobPath(image.sha256), { fileName: image.fileName, maxVoxels });
}
