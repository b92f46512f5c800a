/**
 * `readVolume(path, options)`: any supported image file → `ImageVolume` (file order, ITK geometry).
 * NIfTI goes through the native fast reader, everything else through itk-wasm; both refuse a missing file,
 * a non-image, a truncated file, a non-3D image or more voxels than `maxVoxels` with an `EvaluatorError` naming
 * the file.
 */
import { mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EvaluatorError } from '../errors.ts';
import type { ImageVolume } from './image-volume.ts';
import type { VolumeBuffer } from './volume-buffer.ts';
import { isNiftiPath, readNifti } from './nifti.ts';

export const DEFAULT_MAX_VOXELS = 1024 * 1024 * 1024;

export interface ReadVolumeOptions {
  /** Refuse images with more voxels than this (default 2^30). */
  readonly maxVoxels?: number;
  /** Read the geometry only (`data` empty). */
  readonly headerOnly?: boolean;
  /** Read through itk-wasm even for NIfTI (used to cross-check the fast reader). */
  readonly forceItk?: boolean;
  /**
   * The file's name as uploaded, whose extension tells the format when `path` has none (stored files are named by
   * their sha256). Error messages still name `path`.
   */
  readonly fileName?: string;
  /** NIfTI: inflate into this reused buffer (see io/volume-buffer.ts); `data` is valid until its next read. */
  readonly buffer?: VolumeBuffer;
}

const ITK_EXTENSIONS = /(\.nii\.gz|\.nii|\.nrrd|\.nhdr|\.mha|\.mhd)$/i;

/** itk-wasm chooses its reader by extension: give it a link that has the right one. */
async function readWithItkAs(path: string, fileName: string, maxVoxels: number, headerOnly?: boolean): Promise<ImageVolume> {
  // loaded on first use: NIfTI, the common case, never needs itk-wasm (a fresh `carina evaluate` saves its start-up)
  const { readWithItk } = await import('./itk-volume.ts');
  const extension = ITK_EXTENSIONS.exec(fileName)?.[1];
  if (!extension || ITK_EXTENSIONS.test(path)) return readWithItk(path, maxVoxels, headerOnly);
  const dir = await mkdtemp(join(tmpdir(), 'carina-read-'));
  const link = join(dir, `volume${extension.toLowerCase()}`);
  try {
    await symlink(resolve(path), link);
    return await readWithItk(link, maxVoxels, headerOnly);
  } catch (error) {
    if (error instanceof EvaluatorError) throw new EvaluatorError(error.code, error.message.split(link).join(path));
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
  const name = options.fileName ?? path;
  if (isNiftiPath(name) && !options.forceItk) {
    return readNifti(path, { maxVoxels, headerOnly: options.headerOnly, buffer: options.buffer });
  }
  return readWithItkAs(path, name, maxVoxels, options.headerOnly);
}
