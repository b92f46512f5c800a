/**
 * Writes a phantom as files: `<name>_ct.nii.gz` (int16 HU), `<name>_gold.nii.gz` (uint8, 1 = airway lumen) and
 * `<name>_tree.json`, all on the same voxel grid. The bytes depend only on the phantom (gzip without a time
 * stamp), so the same seed and options give identical files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeVolume } from '../../evaluator/index.ts';
import type { Phantom } from './generate-phantom.ts';
import { treeDocument } from './tree-document.ts';

export interface PhantomFiles {
  readonly ct: string;
  readonly gold: string;
  readonly tree: string;
}

export function phantomFileNames(outDir: string, name: string): PhantomFiles {
  return {
    ct: join(outDir, `${name}_ct.nii.gz`),
    gold: join(outDir, `${name}_gold.nii.gz`),
    tree: join(outDir, `${name}_tree.json`),
  };
}

export async function writeLabel(path: string, phantom: Phantom, data: Uint8Array): Promise<void> {
  await writeVolume(path, { ...phantom.geometry, componentType: 'uint8', data });
}

export async function writePhantom(phantom: Phantom, outDir: string, name: string, parts: { ct?: boolean } = {}): Promise<PhantomFiles> {
  await mkdir(outDir, { recursive: true });
  const files = phantomFileNames(outDir, name);
  if (parts.ct !== false) await writeVolume(files.ct, { ...phantom.geometry, componentType: 'int16', data: phantom.ct });
  await writeLabel(files.gold, phantom, phantom.label);
  await writeFile(files.tree, JSON.stringify(treeDocument(phantom), null, 1) + '\n');
  return files;
}
