/**
 * How large a mask upload can legitimately be, from the phase's case grids rather than one platform-wide figure:
 * a case's mask holds its CT's voxels, at most 8 bytes each (float64, the widest type the readers take), plus a
 * header; compression only makes it smaller (gzip's worst case adds about 0.03 %). Below a floor of 128 MiB the
 * grid is not used (a small grid still gets room for headers, odd encodings and an archive's overhead), so the
 * bounds matter for the attack they stop — gigabytes sent to a phase whose masks are megabytes — not for honest
 * files. Every bound is also capped by MAX_UPLOAD_BYTES / MAX_UNPACKED_BYTES.
 */
import type { ImageGeometry } from '../../evaluator/index.ts';

const WIDEST_VOXEL_BYTES = 8;
/** Header, extensions, and room for gzip's worst-case growth of incompressible data. */
const HEADER_ALLOWANCE_BYTES = 2 ** 20;
export const GRID_LIMIT_FLOOR_BYTES = 128 * 2 ** 20;

export interface MaskUploadLimits {
  /** One received file: a mask, or one archive of every case's mask. */
  readonly maxFileBytes: number;
  /** One file inside an archive. */
  readonly maxEntryBytes: number;
  /** Everything an archive unpacks to. */
  readonly maxUnpackedBytes: number;
}

/** The largest a mask of a case on this grid can be, in bytes, before the floor. */
export function maskBytesBound(geometry: Pick<ImageGeometry, 'size'>): number {
  const voxels = geometry.size.reduce((a, b) => a * b, 1);
  return Math.ceil(voxels * WIDEST_VOXEL_BYTES * 1.001) + HEADER_ALLOWANCE_BYTES;
}

export function maskUploadLimits(grids: ReadonlyArray<Pick<ImageGeometry, 'size'>>, config: { maxUploadBytes: number; maxUnpackedBytes: number }): MaskUploadLimits {
  const bounds = grids.map(maskBytesBound);
  const largest = Math.max(0, ...bounds);
  const total = bounds.reduce((a, b) => a + b, 0);
  const maxEntryBytes = Math.min(config.maxUploadBytes, Math.max(GRID_LIMIT_FLOOR_BYTES, largest));
  const maxUnpackedBytes = Math.min(config.maxUnpackedBytes, Math.max(GRID_LIMIT_FLOOR_BYTES, total));
  // a received file may be the archive of every case: as large as what it unpacks to
  const maxFileBytes = Math.min(config.maxUploadBytes, Math.max(maxEntryBytes, maxUnpackedBytes));
  return { maxFileBytes, maxEntryBytes, maxUnpackedBytes };
}
