import assert from 'node:assert/strict';
import { describe, it } from 'mocha';

import {
  JUNCTION_THRESHOLD,
  MIN_SEGMENT_VOXELS,
  neighbourCounts,
  skeletonSegments,
  type CropPlacement,
} from '../../evaluator/kernels/skeleton-segments.ts';
import type { Shape3 } from '../../evaluator/volume/shape.ts';
import { at, maskOf, nonzeroVoxels, size, type Voxel } from '../helpers/c-order.ts';

/** A crop far from every border of a big scan: no reflection can reach it. */
function middle(shape: Shape3): CropPlacement {
  return { cropOrigin: [10, 10, 10], scanShape: [shape[0] + 100, shape[1] + 100, shape[2] + 100] };
}

/** The crop is the whole scan. */
function wholeScan(shape: Shape3): CropPlacement {
  return { cropOrigin: [0, 0, 0], scanShape: shape };
}

/** Copies `mask` into a bigger crop with `pad` voxels on each side (same scan placement for the same voxels). */
function pad(mask: Uint8Array, shape: Shape3, p: number): { mask: Uint8Array; shape: Shape3 } {
  const big: Shape3 = [shape[0] + 2 * p, shape[1] + 2 * p, shape[2] + 2 * p];
  const out = new Uint8Array(size(big));
  for (let i = 0; i < shape[0]; i++) {
    for (let j = 0; j < shape[1]; j++) {
      for (let k = 0; k < shape[2]; k++) out[at(big, i + p, j + p, k + p)] = mask[at(shape, i, j, k)];
    }
  }
  return { mask: out, shape: big };
}

/** Segment label of each listed voxel. */
function labelsAt(labels: Int32Array, shape: Shape3, voxels: readonly Voxel[]): number[] {
  return voxels.map(([i, j, k]) => labels[at(shape, i, j, k)]);
}

function line(from: Voxel, step: Voxel, n: number): Voxel[] {
  return Array.from({ length: n }, (_, t) => [from[0] + t * step[0], from[1] + t * step[1], from[2] + t * step[2]] as Voxel);
}

// ------------------------------------------------------------------------ a scan whose skeleton touches borders

/**
 * A 6×13×9 scan (the crop is the whole scan) with four features:
 *   F1: a line along i, (0..5, 1, 1), from the face i = 0 to the face i = 5;
 *   F2: a V in plane i = 3 with its apex (3, 6, 8) on the face k = 8 and arms (3, 6 ± t, 8 − t), t = 1..5;
 *   F3: a lone voxel in the corner (5, 12, 0);
 *   F4: a short line (1..3, 12, 6) lying in the face j = 12.
 */
const BORDER_SHAPE: Shape3 = [6, 13, 9];
function borderScan(): Uint8Array {
  const voxels: Voxel[] = [...line([0, 1, 1], [1, 0, 0], 6), [3, 6, 8], [5, 12, 0], ...line([1, 12, 6], [1, 0, 0], 3)];
  for (let t = 1; t <= 5; t++) voxels.push([3, 6 - t, 8 - t], [3, 6 + t, 8 - t]);
  return maskOf(BORDER_SHAPE, voxels);
}

/**
 * scipy.ndimage.convolve(skeleton, ones((3,3,3)), mode='reflect') * skeleton on that scan (SciPy 1.17, computed
 * offline), as [i, j, k, count] in C order. Reflect mirrors the edge plane: index −1 reads 0, index n reads n − 1.
 */
const REFLECT_COUNTS: Array<[number, number, number, number]> = [
  [0, 1, 1, 3], // F1 end on face i = 0: itself, (1,1,1), and its mirror image (itself again)
  [1, 1, 1, 3],
  [1, 12, 6, 4], // F4 end: itself, (2,12,6), and the mirrors of both across j = 12
  [2, 1, 1, 3],
  [2, 12, 6, 6], // F4 middle: three voxels, each counted twice
  [3, 1, 1, 3],
  [3, 1, 3, 2],
  [3, 2, 4, 3],
  [3, 3, 5, 3],
  [3, 4, 6, 3],
  [3, 5, 7, 3],
  [3, 6, 8, 4], // F2 apex on face k = 8: itself, two arm voxels, and its own mirror image
  [3, 7, 7, 3],
  [3, 8, 6, 3],
  [3, 9, 5, 3],
  [3, 10, 4, 3],
  [3, 11, 3, 2],
  [3, 12, 6, 4],
  [4, 1, 1, 3],
  [5, 1, 1, 3], // F1 end on face i = 5
  [5, 12, 0, 8], // F3 in a corner: 2 × 2 × 2 of the 27 offsets read the voxel itself
];

/** The same skeleton far from the scan's border (mode 'constant' with zeros), same order. */
const MIDDLE_COUNTS = [2, 3, 2, 3, 3, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 3, 2, 1];

describe('neighbourCounts', () => {
  it('counts the skeleton voxels of the 3×3×3 neighbourhood, the voxel itself included; 0 off the skeleton', () => {
    const shape: Shape3 = [3, 5, 5];
    // a T in plane i = 1: bar (1,1,0..4), stem (1,2..4,2)
    const skeleton = maskOf(shape, [...line([1, 1, 0], [0, 0, 1], 5), ...line([1, 2, 2], [0, 1, 0], 3)]);
    const counts = neighbourCounts(skeleton, shape, middle(shape));
    assert.deepEqual(nonzeroVoxels(counts, shape), [
      [1, 1, 0, 2],
      [1, 1, 1, 4], // itself, (1,1,0), (1,1,2), (1,2,2)
      [1, 1, 2, 4], // itself, (1,1,1), (1,1,3), (1,2,2)
      [1, 1, 3, 4],
      [1, 1, 4, 2],
      [1, 2, 2, 5], // itself, (1,1,1..3), (1,3,2)
      [1, 3, 2, 3],
      [1, 4, 2, 2],
    ]);
    // background voxels stay 0 even when surrounded by skeleton
    assert.equal(counts[at(shape, 1, 2, 1)], 0);
  });

  it('a lone voxel counts 1, a full 3×3×3 block counts 27 at its centre', () => {
    const shape: Shape3 = [5, 5, 5];
    const lone = maskOf(shape, [[2, 2, 2]]);
    assert.deepEqual(nonzeroVoxels(neighbourCounts(lone, shape, middle(shape)), shape), [[2, 2, 2, 1]]);
    const block = new Uint8Array(125);
    for (let i = 1; i < 4; i++) for (let j = 1; j < 4; j++) for (let k = 1; k < 4; k++) block[at(shape, i, j, k)] = 1;
    const counts = neighbourCounts(block, shape, middle(shape));
    assert.equal(counts[at(shape, 2, 2, 2)], 27);
    assert.equal(counts[at(shape, 1, 1, 1)], 8);
    assert.equal(counts[at(shape, 1, 2, 2)], 18);
  });

  it("matches scipy.ndimage.convolve(mode='reflect') when the crop is the whole scan", () => {
    const skeleton = borderScan();
    const counts = neighbourCounts(skeleton, BORDER_SHAPE, wholeScan(BORDER_SHAPE));
    assert.deepEqual(nonzeroVoxels(counts, BORDER_SHAPE), REFLECT_COUNTS);
  });

  it('the same skeleton away from the scan border sees no mirror images', () => {
    const skeleton = borderScan();
    const counts = neighbourCounts(skeleton, BORDER_SHAPE, middle(BORDER_SHAPE));
    assert.deepEqual(
      nonzeroVoxels(counts, BORDER_SHAPE),
      REFLECT_COUNTS.map(([i, j, k], n) => [i, j, k, MIDDLE_COUNTS[n]]),
    );
  });

  it('a crop padded past the scan (negative origin) gives the same reflected counts', () => {
    const skeleton = borderScan();
    const padded = pad(skeleton, BORDER_SHAPE, 2);
    const counts = neighbourCounts(padded.mask, padded.shape, { cropOrigin: [-2, -2, -2], scanShape: BORDER_SHAPE });
    assert.deepEqual(
      nonzeroVoxels(counts, padded.shape),
      REFLECT_COUNTS.map(([i, j, k, c]) => [i + 2, j + 2, k + 2, c]),
    );
  });

  it('a line ending on the scan border plane counts its mirrored neighbour, at both ends of every axis', () => {
    // a 6-voxel line along each axis in a 7×7×7 crop; the crop is placed so the line's first (or last) voxel lies
    // on the scan's first (or last) plane of that axis. The end voxel counts 3 there, 2 in the middle.
    const shape: Shape3 = [7, 7, 7];
    for (let axis = 0; axis < 3; axis++) {
      const step: [number, number, number] = [0, 0, 0];
      step[axis] = 1;
      const start: [number, number, number] = [3, 3, 3];
      start[axis] = 0;
      const skeleton = maskOf(shape, line(start, step, 6));
      const first = at(shape, start[0], start[1], start[2]);
      const lastVoxel = line(start, step, 6)[5];
      const last = at(shape, lastVoxel[0], lastVoxel[1], lastVoxel[2]);
      const inMiddle = neighbourCounts(skeleton, shape, middle(shape));
      assert.equal(inMiddle[first], 2);
      assert.equal(inMiddle[last], 2);
      // crop voxel 0 of that axis is the scan's plane 0
      const lowOrigin: [number, number, number] = [40, 40, 40];
      lowOrigin[axis] = 0;
      const low = neighbourCounts(skeleton, shape, { cropOrigin: lowOrigin, scanShape: [100, 100, 100] });
      assert.equal(low[first], 3, `axis ${axis}, low border`);
      assert.equal(low[last], 2);
      // crop voxel 5 of that axis is the scan's last plane (scan size 20 → origin 14)
      const highOrigin: [number, number, number] = [40, 40, 40];
      highOrigin[axis] = 14;
      const scan: [number, number, number] = [100, 100, 100];
      scan[axis] = 20;
      const high = neighbourCounts(skeleton, shape, { cropOrigin: highOrigin, scanShape: scan });
      assert.equal(high[first], 2, `axis ${axis}, high border`);
      assert.equal(high[last], 3, `axis ${axis}, high border`);
      // interior voxels never change
      assert.equal(low[at(shape, 3 * step[0] + start[0], 3 * step[1] + start[1], 3 * step[2] + start[2])], 3);
    }
  });

  it('the input is not modified', () => {
    const skeleton = borderScan();
    const copy = Uint8Array.from(skeleton);
    neighbourCounts(skeleton, BORDER_SHAPE, wholeScan(BORDER_SHAPE));
    skeletonSegments(skeleton, BORDER_SHAPE, wholeScan(BORDER_SHAPE));
    assert.deepEqual(skeleton, copy);
  });
});

describe('skeletonSegments', () => {
  it('constants: junction above 3 (itself included), segments of at least 5 voxels', () => {
    assert.equal(JUNCTION_THRESHOLD, 3);
    assert.equal(MIN_SEGMENT_VOXELS, 5);
  });

  it('removes a T junction and labels the three pieces in first-met order', () => {
    // plane i = 1 of a 3×11×15 crop: bar (1,1,1..13), stem (1,2..9,7).
    // Counts: (1,1,7) = 4, (1,1,6) = (1,1,8) = 4 (the stem's first voxel is their diagonal neighbour),
    // (1,2,7) = 5: these four go. (1,1,5) = (1,1,9) = (1,3,7) = 3 stay.
    // Pieces: (1,1,1..5) 5 voxels, (1,1,9..13) 5 voxels, (1,3..9,7) 7 voxels → labels 1, 2, 3 in scan order.
    const shape: Shape3 = [3, 11, 15];
    const skeleton = maskOf(shape, [...line([1, 1, 1], [0, 0, 1], 13), ...line([1, 2, 7], [0, 1, 0], 8)]);
    const { labels, count } = skeletonSegments(skeleton, shape, middle(shape));
    assert.equal(count, 3);
    assert.deepEqual(labelsAt(labels, shape, line([1, 1, 1], [0, 0, 1], 13)), [1, 1, 1, 1, 1, 0, 0, 0, 2, 2, 2, 2, 2]);
    assert.deepEqual(labelsAt(labels, shape, line([1, 2, 7], [0, 1, 0], 8)), [0, 3, 3, 3, 3, 3, 3, 3]);
    assert.equal(nonzeroVoxels(labels, shape).length, 17);
  });

  it('drops pieces of fewer than 5 voxels and renumbers the rest consecutively', () => {
    // the same T with the bar starting at k = 2: the left piece (1,1,2..5) has 4 voxels and is dropped;
    // the right piece becomes 1, the stem 2
    const shape: Shape3 = [3, 11, 15];
    const skeleton = maskOf(shape, [...line([1, 1, 2], [0, 0, 1], 12), ...line([1, 2, 7], [0, 1, 0], 8)]);
    const { labels, count } = skeletonSegments(skeleton, shape, middle(shape));
    assert.equal(count, 2);
    assert.deepEqual(labelsAt(labels, shape, line([1, 1, 2], [0, 0, 1], 12)), [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    assert.deepEqual(labelsAt(labels, shape, line([1, 3, 7], [0, 1, 0], 7)), [2, 2, 2, 2, 2, 2, 2]);
  });

  it('an isolated line of 4 voxels is dropped, one of 5 is kept', () => {
    const shape: Shape3 = [3, 5, 9];
    const four = line([1, 1, 1], [0, 0, 1], 4);
    const five = line([1, 3, 1], [0, 0, 1], 5);
    const { labels, count } = skeletonSegments(maskOf(shape, [...four, ...five]), shape, middle(shape));
    assert.equal(count, 1);
    assert.deepEqual(labelsAt(labels, shape, four), [0, 0, 0, 0]);
    assert.deepEqual(labelsAt(labels, shape, five), [1, 1, 1, 1, 1]);
  });

  it('segments are 26-connected: a diagonal staircase is one segment', () => {
    // (1, t, t) for t = 0..6: each voxel counts itself and its two corner/edge-diagonal neighbours = 3
    const shape: Shape3 = [3, 7, 7];
    const stairs = line([1, 0, 0], [0, 1, 1], 7);
    const corner = line([0, 0, 0], [1, 1, 1], 3);
    const counts = neighbourCounts(maskOf(shape, stairs), shape, middle(shape));
    assert.deepEqual(labelsAt(Int32Array.from(counts), shape, stairs), [2, 3, 3, 3, 3, 3, 2]);
    const { labels, count } = skeletonSegments(maskOf(shape, stairs), shape, middle(shape));
    assert.equal(count, 1);
    assert.deepEqual(labelsAt(labels, shape, stairs), [1, 1, 1, 1, 1, 1, 1]);
    // a 3-voxel corner-diagonal line is one piece, dropped for being short
    assert.equal(skeletonSegments(maskOf(shape, corner), shape, middle(shape)).count, 0);
  });

  it('labels follow the first voxel met in C order, not the segment size or its extent', () => {
    // A: line along i, (1..5, 8, 2), first voxel at i = 1. B: line along k, (2, 1, 3..9), first voxel at
    // i = 2, though its j is smaller. C: line along j, (0, 3..7, 10), met first of all (i = 0).
    const shape: Shape3 = [7, 10, 12];
    const a = line([1, 8, 2], [1, 0, 0], 5);
    const b = line([2, 1, 3], [0, 0, 1], 7);
    const c = line([0, 3, 10], [0, 1, 0], 5);
    const { labels, count } = skeletonSegments(maskOf(shape, [...a, ...b, ...c]), shape, middle(shape));
    assert.equal(count, 3);
    assert.deepEqual(labelsAt(labels, shape, c), [1, 1, 1, 1, 1]);
    assert.deepEqual(labelsAt(labels, shape, a), [2, 2, 2, 2, 2]);
    assert.deepEqual(labelsAt(labels, shape, b), [3, 3, 3, 3, 3, 3, 3]);
  });

  it("reflect border: a V whose apex lies on the scan's border plane splits in two; in the middle it is one", () => {
    // scipy-derived (skeleton_parsing with mode 'reflect' on the whole scan): F1 → label 1; the V loses its apex
    // (count 4) and leaves two 5-voxel arms → labels 2 (met first at (3,1,3)) and 3 (at (3,7,7)); F3 (count 8)
    // and F4 (counts 4, 6, 4) are junctions and vanish.
    const skeleton = borderScan();
    const atBorder = skeletonSegments(skeleton, BORDER_SHAPE, wholeScan(BORDER_SHAPE));
    assert.equal(atBorder.count, 3);
    const f1 = line([0, 1, 1], [1, 0, 0], 6);
    const leftArm: Voxel[] = [[3, 1, 3], [3, 2, 4], [3, 3, 5], [3, 4, 6], [3, 5, 7]];
    const rightArm: Voxel[] = [[3, 7, 7], [3, 8, 6], [3, 9, 5], [3, 10, 4], [3, 11, 3]];
    assert.deepEqual(labelsAt(atBorder.labels, BORDER_SHAPE, f1), [1, 1, 1, 1, 1, 1]);
    assert.deepEqual(labelsAt(atBorder.labels, BORDER_SHAPE, leftArm), [2, 2, 2, 2, 2]);
    assert.deepEqual(labelsAt(atBorder.labels, BORDER_SHAPE, rightArm), [3, 3, 3, 3, 3]);
    assert.deepEqual(labelsAt(atBorder.labels, BORDER_SHAPE, [[3, 6, 8], [5, 12, 0], [1, 12, 6], [2, 12, 6]]), [0, 0, 0, 0]);
    assert.equal(nonzeroVoxels(atBorder.labels, BORDER_SHAPE).length, 16);

    // the same crop in the middle of a big scan: the V is one 11-voxel segment (label 2); F3 and F4 are kept as
    // pieces but dropped for being shorter than 5
    const inMiddle = skeletonSegments(skeleton, BORDER_SHAPE, middle(BORDER_SHAPE));
    assert.equal(inMiddle.count, 2);
    assert.deepEqual(labelsAt(inMiddle.labels, BORDER_SHAPE, f1), [1, 1, 1, 1, 1, 1]);
    assert.deepEqual(labelsAt(inMiddle.labels, BORDER_SHAPE, [...leftArm, [3, 6, 8], ...rightArm]), Array(11).fill(2));
    assert.equal(nonzeroVoxels(inMiddle.labels, BORDER_SHAPE).length, 17);
  });

  it('a line lying in the scan border plane is all junctions; the same line one plane in is a segment', () => {
    // the line (1, 2, 1..7) of a [3, 5, 9] crop. With crop origin i = −1, crop plane 1 is the scan's face i = 0:
    // each voxel also counts the mirror images of itself and its neighbours across that face.
    const shape: Shape3 = [3, 5, 9];
    const voxels = line([1, 2, 1], [0, 0, 1], 7);
    const skeleton = maskOf(shape, voxels);
    const scan: Shape3 = [50, 50, 50];
    const onFace: CropPlacement = { cropOrigin: [-1, 20, 20], scanShape: scan };
    const counts = neighbourCounts(skeleton, shape, onFace);
    assert.deepEqual(labelsAt(Int32Array.from(counts), shape, voxels), [4, 6, 6, 6, 6, 6, 4]);
    assert.equal(skeletonSegments(skeleton, shape, onFace).count, 0);
    // crop origin i = 0: the line is on scan plane 1, one plane in from the face — counts 2, 3, …, 3, 2
    const oneIn: CropPlacement = { cropOrigin: [0, 20, 20], scanShape: scan };
    assert.deepEqual(labelsAt(Int32Array.from(neighbourCounts(skeleton, shape, oneIn)), shape, voxels), [2, 3, 3, 3, 3, 3, 2]);
    const segments = skeletonSegments(skeleton, shape, oneIn);
    assert.equal(segments.count, 1);
    assert.deepEqual(labelsAt(segments.labels, shape, voxels), Array(7).fill(1));
  });

  it('the padded crop (negative origin) and the tight crop give the same segments at the scan border', () => {
    const skeleton = borderScan();
    const tight = skeletonSegments(skeleton, BORDER_SHAPE, wholeScan(BORDER_SHAPE));
    const padded = pad(skeleton, BORDER_SHAPE, 1);
    const wide = skeletonSegments(padded.mask, padded.shape, { cropOrigin: [-1, -1, -1], scanShape: BORDER_SHAPE });
    assert.equal(wide.count, tight.count);
    assert.deepEqual(
      nonzeroVoxels(wide.labels, padded.shape),
      nonzeroVoxels(tight.labels, BORDER_SHAPE).map(([i, j, k, l]) => [i + 1, j + 1, k + 1, l]),
    );
  });

  it('empty skeleton, single voxel in a corner of a one-voxel scan', () => {
    const shape: Shape3 = [4, 4, 4];
    const empty = skeletonSegments(new Uint8Array(64), shape, wholeScan(shape));
    assert.equal(empty.count, 0);
    assert.ok(empty.labels.every((l) => l === 0));
    // a 1×1×1 scan: all 27 offsets reflect onto the voxel itself
    assert.deepEqual(Array.from(neighbourCounts(Uint8Array.of(1), [1, 1, 1], wholeScan([1, 1, 1]))), [27]);
    assert.equal(skeletonSegments(Uint8Array.of(1), [1, 1, 1], wholeScan([1, 1, 1])).count, 0);
  });
});
