/** Hostile files for the security suite, written byte by byte (ordinary writers refuse to make most of them). */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

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
