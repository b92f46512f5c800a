/**
 * The checks an organiser's case files go through before anything is stored: a supported format, a readable
 * 3D image within the voxel limit, a gold standard on the CT's voxel grid, and a gold standard that labels
 * something. Every rejection is a 422 naming the case, the file and the reason.
 */
import { rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { EvaluatorError, geometryMismatches, readVolume, type ImageGeometry, type VoxelArray } from '../../evaluator/index.ts';
import { AppError } from '../errors.ts';
import type { CaseGeometry } from './case-store.ts';

/** Single-file formats the evaluator reads (detached headers such as .mhd/.nhdr need a second file). */
const SUPPORTED_SUFFIXES = ['.nii.gz', '.nii', '.nrrd', '.mha'] as const;

/** An uploaded file in the scratch folder, named with its format's suffix so the reader recognises it. */
export interface UploadedVolume {
  readonly path: string;
  readonly originalName: string;
  /** "CT" or "gold standard": how messages name it. */
  readonly role: string;
}

function supportedSuffix(name: string): string | undefined {
  const lower = name.toLowerCase();
  return SUPPORTED_SUFFIXES.find((suffix) => lower.endsWith(suffix));
}

/** A display-safe file name: no folders, no control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '_').slice(-200);
  return clean || 'unnamed';
}

/**
 * Gives a multer temp file its format's suffix (multer names them with random hex only). The returned path is
 * the one to remove on every error path; the multer path no longer exists once this succeeded.
 */
export async function asUploadedVolume(file: Express.Multer.File, role: string, caseName: string): Promise<UploadedVolume> {
  const originalName = cleanFileName(file.originalname);
  const suffix = supportedSuffix(originalName);
  if (!suffix) {
    throw new AppError(
      'VALIDATION_FAILED',
      `case ${caseName}: ${role} file "${originalName}" is not a supported format; upload .nii.gz, .nii, .nrrd or .mha`,
      { case: caseName, file: originalName, code: 'UNSUPPORTED_FORMAT' },
    );
  }
  const path = file.path + suffix;
  await rename(file.path, path);
  return { path, originalName, role };
}

function rejection(volume: UploadedVolume, caseName: string, error: unknown): unknown {
  if (!(error instanceof EvaluatorError)) return error;
  // the reader names the scratch path; callers know the file by the name they uploaded
  const withoutPrefix = error.message.startsWith(`${volume.path}: `) ? error.message.slice(volume.path.length + 2) : error.message;
  const reason = withoutPrefix.split(volume.path).join(`"${volume.originalName}"`);
  return new AppError('VALIDATION_FAILED', `case ${caseName}: ${volume.role} file "${volume.originalName}" cannot be used: ${reason}`, {
    case: caseName,
    file: volume.originalName,
    code: error.code,
  });
}

/** Reads an uploaded file's geometry (header only). */
export async function readUploadedHeader(volume: UploadedVolume, caseName: string, maxVoxels: number): Promise<ImageGeometry> {
  try {
    return await readVolume(volume.path, { headerOnly: true, maxVoxels });
  } catch (error) {
    throw rejection(volume, caseName, error);
  }
}

/** Refuses a gold standard that is not on the CT's voxel grid, naming both. */
export function requireSameGrid(ct: ImageGeometry, gold: ImageGeometry, caseName: string): void {
  const problems = geometryMismatches(ct, gold, 'the CT');
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', `case ${caseName}: gold standard ${problems.join('; ')}`, { case: caseName, problems });
  }
}

function hasPositiveVoxel(data: VoxelArray): boolean {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return data.some((v) => v > 0n);
  return (data as Exclude<VoxelArray, BigInt64Array | BigUint64Array>).some((v) => v > 0);
}

/** Reads the gold standard's voxels and refuses one that labels nothing. */
export async function requireLabelledGold(volume: UploadedVolume, caseName: string, maxVoxels: number): Promise<void> {
  let data: VoxelArray;
  try {
    data = (await readVolume(volume.path, { maxVoxels })).data;
  } catch (error) {
    throw rejection(volume, caseName, error);
  }
  if (!hasPositiveVoxel(data)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `case ${caseName}: gold standard file "${volume.originalName}" is empty (no voxel above 0); upload the labelled airway mask`,
      { case: caseName, file: volume.originalName, code: 'EMPTY_GOLD_STANDARD' },
    );
  }
}

export function geometryOf(image: ImageGeometry): CaseGeometry {
  return {
    size: [image.size[0], image.size[1], image.size[2]],
    spacing: [image.spacing[0], image.spacing[1], image.spacing[2]],
    origin: [image.origin[0], image.origin[1], image.origin[2]],
    direction: [...image.direction],
  };
}

/** Removes scratch files; used on every path out of an upload (stored files were moved away already). */
export async function removeScratchFiles(paths: Iterable<string>): Promise<void> {
  await Promise.all([...paths].map((path) => rm(path, { force: true })));
}
