/**
 * Encoded resolution levels of the three volumes the slice views show: the CT (mean, int16), the gold standard G
 * and the prediction's largest component L (maximum, 0/1). Masks are painted straight at the level's resolution
 * from the crop or the runs, so no full-size mask is ever allocated for a downsampled level.
 */
import type { ImageGeometry, ImageVolume, PreparedGold, RunSet } from '../../evaluator/index.ts';
import { gzip } from './artefact-store.ts';
import { downsampleMean, levelGeometry } from './downsample.ts';
import { encodeVolume } from '../../contract/viewer/volume-format.ts';

export async function encodeLevel(geometry: ImageGeometry, level: number, voxels: Int16Array | Uint8Array): Promise<Buffer> {
  const g = levelGeometry(geometry, level);
  const bytes = encodeVolume({ size: g.size, spacing: g.spacing, origin: g.origin, direction: g.direction, level, downsample: 2 ** level }, voxels);
  return gzip(bytes, { level: 6 });
}

export function encodeCtLevel(ct: ImageVolume, level: number): Promise<Buffer> {
  return encodeLevel(ct, level, downsampleMean(ct.data, ct.size, level));
}

/** G at a level: voxel class > 0 over the prepared crop, placed in the scan. */
export function goldMaskAtLevel(gold: PreparedGold, level: number): Uint8Array {
  const f = 2 ** level;
  const [mx, my, mz] = levelGeometry(gold.geometry, level).size;
  const out = new Uint8Array(mx * my * mz);
  const [nx, ny, nz] = gold.geometry.size;
  const [n0, n1, n2] = gold.crop.shape;
  const [o0, o1, o2] = gold.crop.origin;
  for (let i = 0; i < n0; i++) {
    const x = o0 + i;
    if (x < 0 || x >= nx) continue;
    for (let j = 0; j < n1; j++) {
      const y = o1 + j;
      if (y < 0 || y >= ny) continue;
      const row = (i * n1 + j) * n2;
      for (let k = 0; k < n2; k++) {
        const z = o2 + k;
        if (z < 0 || z >= nz || !gold.voxelClass[row + k]) continue;
        out[(Math.floor(z / f) * my + Math.floor(y / f)) * mx + Math.floor(x / f)] = 1;
      }
    }
  }
  return out;
}

/** A file-order run set (rows z * ny + y, runs along x) as a 0/1 mask at a level. */
export function runsMaskAtLevel(runs: RunSet, geometry: ImageGeometry, level: number): Uint8Array {
  const f = 2 ** level;
  const [mx, my, mz] = levelGeometry(geometry, level).size;
  const out = new Uint8Array(mx * my * mz);
  const ny = geometry.size[1];
  for (let r = 0; r < runs.count; r++) {
    const z = Math.floor(runs.rows[r] / ny);
    const y = runs.rows[r] - z * ny;
    const base = (Math.floor(z / f) * my + Math.floor(y / f)) * mx;
    for (let x = runs.starts[r]; x < runs.ends[r]; x++) out[base + Math.floor(x / f)] = 1;
  }
  return out;
}
