/**
 * Every format through itk-wasm (`@itk-wasm/image-io`): NRRD, MetaImage, NIfTI and the rest ITK reads. The only
 * module that touches itk-wasm types; callers get an `ImageVolume`.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { readImageNode, writeImageNode } from '@itk-wasm/image-io';
import { Image, ImageType, IntTypes, FloatTypes, PixelTypes } from 'itk-wasm';
import { EvaluatorError } from '../errors.ts';
import type { ComponentType, ImageVolume, VoxelArray } from './image-volume.ts';

function toVolume(image: Image, path: string): Omit<ImageVolume, 'data'> {
  const dimension = image.imageType.dimension;
  const size = [...image.size];
  while (size.length > 3 && size[size.length - 1] === 1) size.pop();
  if (dimension < 3 || size.length !== 3) {
    throw new EvaluatorError('WRONG_DIMENSION', `${path}: expected a 3D volume, got ${dimension}D of size ${image.size.join('x')}`);
  }
  if (image.imageType.components !== 1) {
    throw new EvaluatorError('UNREADABLE_IMAGE', `${path}: expected one value per voxel, got ${image.imageType.components}`);
  }
  const d = image.direction;
  const n = dimension;
  const direction: number[] = [];
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) direction.push(Number(d[row * n + col]));
  return {
    size: [size[0], size[1], size[2]],
    spacing: [image.spacing[0], image.spacing[1], image.spacing[2]],
    origin: [image.origin[0], image.origin[1], image.origin[2]],
    direction,
    componentType: image.imageType.componentType as ComponentType,
  };
}

function readFailure(path: string, error: unknown): EvaluatorError {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not find IO/i.test(message)) {
    return new EvaluatorError('UNSUPPORTED_FORMAT', `${path}: not a recognised image format (use .nii, .nii.gz, .nrrd, .nhdr, .mha or .mhd)`);
  }
  return new EvaluatorError('UNREADABLE_IMAGE', `${path}: cannot be read as an image (${message.split('\n')[0]})`);
}

export async function readWithItk(path: string, maxVoxels: number, headerOnly = false): Promise<ImageVolume> {
  let header: Image;
  try {
    header = await readImageNode(path, { informationOnly: true });
  } catch (error) {
    throw readFailure(path, error);
  }
  const base = toVolume(header, path);
  const count = base.size[0] * base.size[1] * base.size[2];
  if (count > maxVoxels) {
    throw new EvaluatorError('TOO_MANY_VOXELS', `${path}: ${base.size.join('x')} = ${count} voxels exceeds the limit of ${maxVoxels}`);
  }
  if (headerOnly) return { ...base, data: new Uint8Array(0) };
  let image: Image;
  try {
    image = await readImageNode(path);
  } catch (error) {
    throw readFailure(path, error);
  }
  const rawBytes = await uncompressedPayloadBytes(path);
  if (rawBytes !== undefined && image.data && rawBytes < count * image.data.BYTES_PER_ELEMENT) {
    // itk-wasm pads a short raw file with zeros instead of failing
    throw new EvaluatorError('TRUNCATED_IMAGE', `${path}: holds ${rawBytes} bytes, fewer than the ${count * image.data.BYTES_PER_ELEMENT} bytes of voxel data its header announces (truncated file)`);
  }
  if (!image.data || image.data.length < count) {
    throw new EvaluatorError('TRUNCATED_IMAGE', `${path}: holds fewer voxels than its header announces (truncated file)`);
  }
  return { ...toVolume(image, path), data: image.data as VoxelArray };
}

/** Decompressed size of a whole gzip file, or 0 when the stream ends early (so the caller reports truncation). */
async function gzipPayloadBytes(path: string): Promise<number> {
  let total = 0;
  try {
    for await (const chunk of createReadStream(path).pipe(createGunzip())) total += (chunk as Buffer).length;
  } catch {
    return 0;
  }
  return total;
}

/**
 * The file's size when its voxel data is stored raw in the same file (uncompressed .nii, NRRD with
 * `encoding: raw`, MetaImage without `CompressedData = True`); undefined when compressed or detached.
 */
async function uncompressedPayloadBytes(path: string): Promise<number | undefined> {
  const lower = path.toLowerCase();
  const size = (await stat(path)).size;
  if (lower.endsWith('.nii')) return size;
  if (lower.endsWith('.gz')) return gzipPayloadBytes(path);
  if (!lower.endsWith('.nrrd') && !lower.endsWith('.mha')) return undefined;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('latin1');
    if (lower.endsWith('.nrrd')) return /^encoding:\s*raw\s*$/im.test(text) && !/^data file:/im.test(text) ? size : undefined;
    return /CompressedData\s*=\s*True/i.test(text) || /ElementDataFile\s*=\s*(?!LOCAL)/i.test(text) ? undefined : size;
  } finally {
    await handle.close();
  }
}

const COMPONENT_TYPES: Record<ComponentType, string> = {
  uint8: IntTypes.UInt8,
  int8: IntTypes.Int8,
  uint16: IntTypes.UInt16,
  int16: IntTypes.Int16,
  uint32: IntTypes.UInt32,
  int32: IntTypes.Int32,
  uint64: IntTypes.UInt64,
  int64: IntTypes.Int64,
  float32: FloatTypes.Float32,
  float64: FloatTypes.Float64,
};

/** Writes a volume; the format follows the file name (.nii, .nii.gz, .nrrd, .mha, ...). */
export async function writeWithItk(path: string, volume: ImageVolume, compress = true): Promise<void> {
  const type = new ImageType(3, COMPONENT_TYPES[volume.componentType] as never, PixelTypes.Scalar, 1);
  const image = new Image(type);
  image.size = [...volume.size];
  image.spacing = [...volume.spacing];
  image.origin = [...volume.origin];
  image.direction = Float64Array.from(volume.direction);
  image.data = volume.data as never;
  await writeImageNode(image, path, { useCompression: compress });
}
