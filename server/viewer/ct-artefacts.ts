/**
 * A CT's levels: level 2 is built by the worker once a case's gold standard is prepared (the first slices the
 * client shows); any level is built on demand from the CT file and cached by the CT's sha256.
 */
import type { Storage } from '../storage/storage.ts';
import { artefactKeys } from './artefact-store.ts';
import { readStoredImage, type StoredImage } from './sources.ts';
import { encodeCtLevel } from './volume-levels.ts';

export async function storeCtLevel(storage: Storage, ct: StoredImage, level: number, maxVoxels: number): Promise<number> {
  const volume = await readStoredImage(storage, ct, maxVoxels);
  const encoded = await encodeCtLevel(volume, level);
  await storage.putObject(artefactKeys.ct(ct.sha256, level), encoded);
  return encoded.length;
}
