/** Hostile files for the security suite, written byte by byte (ordinary writers refuse to make most of them). */
import { writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

/** A NIfTI-1 header (348 bytes + 4 of extension flag) claiming the given grid of uint8 voxels, with no voxel data. */
export function niftiHeaderOnly(path: string, size: [number, number, number]): string {
  const header = Buffer.alloc(352);
  header.writeInt32LE(348, 0);
  const dims = [3, ...size, 1, 1, 1, 1];
  dims.forEach((d, i) => header.writeInt16LE(d, 40 + 2 * i));
  header.writeInt16LE(2, 70); // datatype: unsigned char
  header.writeInt16LE(8, 72); // bitpix
  [1, 1, 1, 1, 1, 1, 1, 1].forEach((p, i) => header.writeFloatLE(p, 76 + 4 * i));
  header.writeFloatLE(352, 108); // vox_offset
  header.writeFloatLE(1, 112); // scl_slope
  header.write('n+1\0', 344, 'latin1');
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(header) : header);
  return path;
}

/** A file that starts like gzip and then is noise (a broken download). */
export function corruptGzip(path: string): string {
  const real = gzipSync(Buffer.alloc(4096, 1));
  const broken = Buffer.concat([real.subarray(0, 12), Buffer.from('this is not deflate data at all, just noise'.repeat(20))]);
  writeFileSync(path, broken);
  return path;
}

/**
 * A valid mask rewritten so that one field of its NIfTI-1 geometry is NaN or infinity (qform only: sform_code 0,
 * qform_code 1): `spacing` → pixdim[1], `origin` → qoffset_x, `direction` → quatern_b.
 */
export function niftiWithBrokenGeometry(source: Buffer, path: string, field: 'spacing' | 'origin' | 'direction', value = Number.NaN): string {
  const bytes = Buffer.from(source[0] === 0x1f && source[1] === 0x8b ? gunzipSync(source) : source);
  if (bytes.readInt32LE(0) !== 348) throw new Error('not a little-endian NIfTI-1 file');
  bytes.writeInt16LE(1, 252); // qform_code
  bytes.writeInt16LE(0, 254); // sform_code
  bytes.writeFloatLE(value, { spacing: 80, origin: 268, direction: 256 }[field]);
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return path;
}
