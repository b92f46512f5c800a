/**
 * The prepared gold standard on disk: one versioned binary file.
 *
 *   bytes 0-7   magic "CARINAPG"
 *   bytes 8-11  format version (uint32 LE)
 *   bytes 12-15 header length H (uint32 LE)
 *   H bytes     header, UTF-8 JSON: geometry, crop, counts, branch tables, timings, provenance
 *   rest        gzip of: voxel classes over the crop (uint8, logical C order), then the branch label of each
 *               gold voxel in C order (int32 LE); since version 2 then: the AIIB23 raw classes over its crop
 *               (uint8, absent when the header's `aiib.shared` says G equals M), the crop indices of S (int32 LE,
 *               one per skeleton voxel), the crop indices of the AIIB23 skeleton and their segment labels
 *
 * A file of another version or a damaged file is refused with BAD_PREPARED_GOLD; the caller re-prepares.
 */
import { readFile, writeFile, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { EvaluatorError } from '../errors.ts';
import { PREPARED_GOLD_VERSION, type AiibGold, type PreparedGold } from './prepared-gold.ts';

const MAGIC = 'CARINAPG';
export const PREPARED_GOLD_FILE = 'prepared-gold.bin';
export const PREPARED_SUMMARY_FILE = 'prepared-gold.json';

interface Header {
  version: number;
  geometry: PreparedGold['geometry'];
  crop: PreparedGold['crop'];
  labelVoxels: number;
  goldVoxels: number;
  skeletonVoxels: number;
  segmentCount: number;
  refinementPasses: number;
  branches: {
    count: number;
    officialCount: number;
    trachea: number;
    generation: number[];
    parent: number[];
    skeletonVoxels: number[];
    voxels: number[];
  };
  aiib: { crop: AiibGold['crop']; shared: boolean; skeletonVoxels: number };
  sourceSha256?: string;
  timings: PreparedGold['timings'];
}

const cropVoxelsOf = (crop: { shape: readonly number[] }) => crop.shape[0] * crop.shape[1] * crop.shape[2];
const int32Bytes = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function encodePreparedGold(gold: PreparedGold): Buffer {
  const b = gold.branches;
  const header: Header = {
    version: PREPARED_GOLD_VERSION,
    geometry: gold.geometry,
    crop: gold.crop,
    labelVoxels: gold.labelVoxels,
    goldVoxels: gold.goldVoxels,
    skeletonVoxels: gold.skeletonVoxels,
    segmentCount: gold.segmentCount,
    refinementPasses: gold.refinementPasses,
    branches: {
      count: b.count,
      officialCount: b.officialCount,
      trachea: b.trachea,
      generation: Array.from(b.generation),
      parent: Array.from(b.parent),
      skeletonVoxels: Array.from(b.skeletonVoxels),
      voxels: Array.from(b.voxels),
    },
    aiib: { crop: gold.aiib.crop, shared: gold.aiib.rawClass === null, skeletonVoxels: gold.aiib.skeletonIndex.length },
    sourceSha256: gold.sourceSha256,
    timings: gold.timings,
  };
  const labels = new Int32Array(gold.goldVoxels);
  let n = 0;
  for (let v = 0; v < gold.voxelClass.length; v++) if (gold.voxelClass[v]) labels[n++] = gold.branch[v];
  const payload = Buffer.concat([
    Buffer.from(gold.voxelClass.buffer, gold.voxelClass.byteOffset, gold.voxelClass.byteLength),
    int32Bytes(labels),
    ...(gold.aiib.rawClass ? [Buffer.from(gold.aiib.rawClass.buffer, gold.aiib.rawClass.byteOffset, gold.aiib.rawClass.byteLength)] : []),
    int32Bytes(gold.skeletonIndex),
    int32Bytes(gold.aiib.skeletonIndex),
    int32Bytes(gold.aiib.skeletonSegment),
  ]);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(16);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(PREPARED_GOLD_VERSION, 8);
  prefix.writeUInt32LE(json.length, 12);
  return Buffer.concat([prefix, json, gzipSync(payload, { level: 6 })]);
}

/**
 * The branch label of every crop voxel: `labels` holds one label per non-zero `voxelClass` entry, in C order.
 * Most of a crop is background, so the scan skips four zero classes at a time (a Uint32 view of the class array,
 * which starts at offset 0 of its own buffer); five times faster than a byte loop on a 20 M-voxel crop.
 */
function scatterLabels(voxelClass: Uint8Array, labels: Int32Array): Int32Array {
  const branch = new Int32Array(voxelClass.length);
  const words = new Uint32Array(voxelClass.buffer, voxelClass.byteOffset, voxelClass.length >>> 2);
  let n = 0;
  for (let w = 0; w < words.length; w++) {
    if (words[w] === 0) continue;
    for (let v = w << 2, end = v + 4; v < end; v++) if (voxelClass[v]) branch[v] = labels[n++];
  }
  for (let v = words.length << 2; v < voxelClass.length; v++) if (voxelClass[v]) branch[v] = labels[n++];
  return branch;
}

export function decodePreparedGold(bytes: Buffer, source = 'prepared gold standard'): PreparedGold {
  const bad = (why: string) => new EvaluatorError('BAD_PREPARED_GOLD', `${source}: ${why}; prepare the gold standard again`);
  if (bytes.length < 16 || bytes.toString('latin1', 0, 8) !== MAGIC) throw bad('not a Carina prepared gold standard');
  const version = bytes.readUInt32LE(8);
  if (version !== PREPARED_GOLD_VERSION) throw bad(`format version ${version}, this evaluator reads ${PREPARED_GOLD_VERSION}`);
  const headerLength = bytes.readUInt32LE(12);
  let header: Header;
  let payload: Buffer;
  try {
    header = JSON.parse(bytes.toString('utf8', 16, 16 + headerLength)) as Header;
  } catch (error) {
    throw bad(`damaged file (${(error as Error).message})`);
  }
  const cropVoxels = cropVoxelsOf(header.crop);
  const rawVoxels = header.aiib.shared ? 0 : cropVoxelsOf(header.aiib.crop);
  const aiibSkeleton = header.aiib.skeletonVoxels;
  const payloadLength = cropVoxels + 4 * header.goldVoxels + rawVoxels + 4 * header.skeletonVoxels + 8 * aiibSkeleton;
  try {
    // inflated into one chunk of the announced size (plus one byte, so a longer payload is still noticed below):
    // no final copy of many 16 kB pieces
    const chunkSize = Math.max(64, payloadLength + 1);
    payload = gunzipSync(bytes.subarray(16 + headerLength), { chunkSize });
  } catch (error) {
    throw bad(`damaged file (${(error as Error).message})`);
  }
  if (payload.length !== payloadLength) throw bad('payload size does not match its header');
  // the inflated payload is this function's own memory: the classes are read in place where aligned for the scan
  // (copying 20 MB of fresh memory costs ~50 ms of page faults on a full-size crop)
  const voxelClass = payload.byteOffset % 4 === 0 ? new Uint8Array(payload.buffer, payload.byteOffset, cropVoxels) : Uint8Array.from(payload.subarray(0, cropVoxels));
  let at = payload.byteOffset + cropVoxels;
  const int32s = (count: number) => new Int32Array(payload.buffer.slice(at, (at += 4 * count)));
  const labels = int32s(header.goldVoxels);
  const branch = scatterLabels(voxelClass, labels);
  // read in place like the ATM'22 classes (no copy of fresh memory)
  const rawClass = header.aiib.shared ? null : new Uint8Array(payload.buffer, at, rawVoxels);
  at += rawVoxels;
  const skeletonIndex = int32s(header.skeletonVoxels);
  const aiibIndex = int32s(aiibSkeleton);
  const skeletonSegment = int32s(aiibSkeleton);
  const segmentSkeletonVoxels = new Int32Array(header.segmentCount + 1);
  for (const s of skeletonSegment) {
    if (s < 0 || s > header.segmentCount) throw bad('segment label out of range');
    if (s) segmentSkeletonVoxels[s]++;
  }
  const b = header.branches;
  return {
    version,
    geometry: header.geometry,
    crop: header.crop,
    labelVoxels: header.labelVoxels,
    goldVoxels: header.goldVoxels,
    skeletonVoxels: header.skeletonVoxels,
    segmentCount: header.segmentCount,
    refinementPasses: header.refinementPasses,
    voxelClass,
    branch,
    branches: {
      count: b.count,
      officialCount: b.officialCount,
      trachea: b.trachea,
      generation: Int32Array.from(b.generation),
      parent: Int32Array.from(b.parent),
      skeletonVoxels: Int32Array.from(b.skeletonVoxels),
      voxels: Int32Array.from(b.voxels),
    },
    skeletonIndex,
    aiib: { crop: header.aiib.crop, rawClass, skeletonIndex: aiibIndex, skeletonSegment, segmentSkeletonVoxels },
    sourceSha256: header.sourceSha256,
    timings: header.timings,
  };
}

/** A readable summary beside the binary: counts and the branch table. */
export function preparedSummary(gold: PreparedGold): object {
  const b = gold.branches;
  return {
    version: gold.version,
    size: gold.geometry.size,
    spacing: gold.geometry.spacing,
    label_voxels: gold.labelVoxels,
    gt_lcc_voxels: gold.goldVoxels,
    skeleton_voxels: gold.skeletonVoxels,
    segments: gold.segmentCount,
    branches_total: b.officialCount,
    trachea: b.trachea,
    aiib_segments: gold.segmentCount,
    aiib_skeleton_voxels: gold.aiib.skeletonIndex.length,
    aiib_raw_label_differs: gold.aiib.rawClass !== null,
    source_sha256: gold.sourceSha256,
    timings: gold.timings,
    branches: Array.from({ length: b.count }, (_, n) => ({
      id: n + 1,
      generation: b.generation[n + 1],
      parent: b.parent[n + 1],
      skeleton_voxels: b.skeletonVoxels[n + 1],
      voxels: b.voxels[n + 1],
    })),
  };
}

export async function writePreparedGold(dir: string, gold: PreparedGold): Promise<void> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, PREPARED_GOLD_FILE);
  await writeFile(target + '.tmp', encodePreparedGold(gold));
  await rename(target + '.tmp', target); // never leave a half-written cache behind
  await writeFile(join(dir, PREPARED_SUMMARY_FILE), JSON.stringify(preparedSummary(gold), null, 1) + '\n');
}

export async function readPreparedGold(dir: string): Promise<PreparedGold> {
  const path = join(dir, PREPARED_GOLD_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new EvaluatorError('FILE_NOT_FOUND', `${path}: no prepared gold standard here (run "carina prepare" first)`);
  }
  return decodePreparedGold(bytes, path);
}
