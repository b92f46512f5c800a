/**
 * `readVolume(path, options)`: any supported image file → `ImageVolume` (file order, ITK geometry).
 * NIfTI goes through the native fast reader, everything else through itk-wasm; both refuse a missing file,
 * a non-image, a truncated file, a non-3D image or more voxels than `maxVoxels` with an `EvaluatorError` naming
 * the file.
 */
import { stat } from 'node:fs/promises';
import { EvaluatorError } from '../errors.ts';
import type { ImageVolume } from './image-volume.ts';
import { isNiftiPath, readNifti } from './nifti.ts';
import { readWithItk } from './itk-volume.ts';

export const DEFAULT_MAX_VOXELS = 1024 * 1024 * 1024;

export interface ReadVolumeOptions {
  /** Refuse images with more voxels than this (default 2^30). */
  readonly maxVoxels?: number;
  /** Read the geometry only (`data` empty). */
  readonly headerOnly?: boolean;
  /** Read through itk-wasm even for NIfTI (used to cross-check the fast reader). */
  readonly forceItk?: boolean;
}

export async function readVolume(path: string, options: ReadVolumeOptions = {}): Promise<ImageVolume> {
  const maxVoxels = options.maxVoxels ?? DEFAULT_MAX_VOXELS;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new EvaluatorError('FILE_NOT_FOUND', `${path}: not a regular file`);
  } catch (error) {
    if (error instanceof EvaluatorError) throw error;
    throw new EvaluatorError('FILE_NOT_FOUND', `${path}: no such file`);
  }
  if (isNiftiPath(path) && !options.forceItk) {
    return readNifti(path, { maxVoxels, headerOnly: options.headerOnly });
  }
  return readWithItk(path, maxVoxels, options.headerOnly);
}
