import assert from 'node:assert/strict';
import { describe, it } from 'mocha';

import { foregroundRuns } from '../../evaluator/kernels/largest-component.ts';
import { boundingCrop, cropToFileOrder, runsToCropMask, type CropBox } from '../../evaluator/volume/crop.ts';
import type { Shape3 } from '../../evaluator/volume/shape.ts';
import { seededRandom } from '../helpers/c-order.ts';

type Size = [number, number, number];

/** File order: x fastest. */
function fileIndex(fileSize: Size, x: number, y: number, z: number): number {
  return x + fileSize[0] * (y + fileSize[1] * z);
}

function fileMask(fileSize: Size, voxels: Array<[number, number, number]>): Uint8Array {
  const data = new Uint8Array(fileSize[0] * fileSize[1] * fileSize[2]);
  for (const [x, y, z] of voxels) data[fileIndex(fileSize, x, y, z)] = 1;
  return data;
}

/** Runs of a file-order volume: viewed as C order with shape [nz, ny, nx], runs along x. */
function fileRuns(data: Uint8Array, fileSize: Size) {
  return foregroundRuns(data, [fileSize[2], fileSize[1], fileSize[0]]);
}

/** Reference: crop voxel (i, j, k) = file voxel (o + (i, j, k)) when inside the scan, else 0. */
function referenceCrop(data: Uint8Array, fileSize: Size, crop: CropBox): Uint8Array {
  const [n0, n1, n2] = crop.shape;
  const out = new Uint8Array(n0 * n1 * n2);
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      for (let k = 0; k < n2; k++) {
        const [x, y, z] = [i + crop.origin[0], j + crop.origin[1], k + crop.origin[2]];
        if (x < 0 || y < 0 || z < 0 || x >= fileSize[0] || y >= fileSize[1] || z >= fileSize[2]) continue;
        out[(i * n1 + j) * n2 + k] = data[fileIndex(fileSize, x, y, z)];
      }
    }
  }
  return out;
}

// a 6 × 5 × 4 scan (nx ≠ ny ≠ nz so a swapped axis shows)
const SIZE: Size = [6, 5, 4];
const VOXELS: Array<[number, number, number]> = [
  [1, 2, 1],
  [3, 2, 1],
  [2, 4, 2],
];

describe('boundingCrop', () => {
  it('returns the tight box in (x, y, z) = (i, j, k) order with margin 0', () => {
    const crop = boundingCrop(fileRuns(fileMask(SIZE, VOXELS), SIZE), SIZE, 0);
    // x 1..3, y 2..4, z 1..2
    assert.deepEqual(crop, { origin: [1, 2, 1], shape: [3, 3, 2] });
  });

  it('grows by the margin on every side, past the scan where needed', () => {
    const crop = boundingCrop(fileRuns(fileMask(SIZE, VOXELS), SIZE), SIZE, 2);
    // x −1..5, y 0..6 (the scan ends at 4), z −1..4 (the scan ends at 3)
    assert.deepEqual(crop, { origin: [-1, 0, -1], shape: [7, 7, 6] });
  });

  it('voxels on the scan border: the box reaches past the scan on that side only', () => {
    const corners: Array<[number, number, number]> = [
      [0, 0, 0],
      [5, 4, 3],
    ];
    const crop = boundingCrop(fileRuns(fileMask(SIZE, corners), SIZE), SIZE, 1);
    assert.deepEqual(crop, { origin: [-1, -1, -1], shape: [8, 7, 6] });
    const one = boundingCrop(fileRuns(fileMask(SIZE, [[5, 0, 2]]), SIZE), SIZE, 1);
    assert.deepEqual(one, { origin: [4, -1, 1], shape: [3, 3, 3] });
  });

  it('a run along x contributes its whole extent', () => {
    const data = fileMask(SIZE, [[1, 1, 1], [2, 1, 1], [3, 1, 1], [4, 1, 1]]);
    const runs = fileRuns(data, SIZE);
    assert.equal(runs.count, 1);
    assert.deepEqual(boundingCrop(runs, SIZE, 0), { origin: [1, 1, 1], shape: [4, 1, 1] });
  });

  it('no runs: an empty box at the origin', () => {
    const crop = boundingCrop(fileRuns(new Uint8Array(120), SIZE), SIZE, 3);
    assert.deepEqual(crop, { origin: [0, 0, 0], shape: [0, 0, 0] });
    assert.equal(runsToCropMask(fileRuns(new Uint8Array(120), SIZE), SIZE, crop).length, 0);
  });
});

describe('runsToCropMask', () => {
  it('stores the crop in logical C order: voxel (x, y, z) at ((x − o0)·n1 + (y − o1))·n2 + (z − o2)', () => {
    const runs = fileRuns(fileMask(SIZE, VOXELS), SIZE);
    const crop = boundingCrop(runs, SIZE, 0); // origin [1, 2, 1], shape [3, 3, 2]
    const mask = runsToCropMask(runs, SIZE, crop);
    assert.equal(mask.length, 18);
    // (1,2,1) → (0,0,0) → 0; (3,2,1) → (2,0,0) → 12; (2,4,2) → (1,2,1) → 11
    const set = [...mask.keys()].filter((v) => mask[v]);
    assert.deepEqual(set, [0, 11, 12]);
  });

  it('with a margin past the scan: the outside part is background', () => {
    const data = fileMask(SIZE, VOXELS);
    const runs = fileRuns(data, SIZE);
    const crop = boundingCrop(runs, SIZE, 2);
    const mask = runsToCropMask(runs, SIZE, crop);
    assert.deepEqual(mask, referenceCrop(data, SIZE, crop));
    assert.equal(mask.reduce((s, v) => s + v, 0), 3);
    // (1,2,1) with origin (−1,0,−1) is crop (2,2,2), shape [7,7,6]
    assert.equal(mask[(2 * 7 + 2) * 6 + 2], 1);
  });

  it('runs outside a smaller crop are clipped', () => {
    // a full row along x at (y, z) = (2, 1) and a voxel at (0, 0, 0); crop = the plane x = 2 only
    const row: Array<[number, number, number]> = [0, 1, 2, 3, 4, 5].map((x) => [x, 2, 1]);
    const data = fileMask(SIZE, [...row, [0, 0, 0]]);
    const crop: CropBox = { origin: [2, 0, 0], shape: [1, 5, 4] };
    const mask = runsToCropMask(fileRuns(data, SIZE), SIZE, crop);
    assert.deepEqual(mask, referenceCrop(data, SIZE, crop));
    assert.deepEqual([...mask.keys()].filter((v) => mask[v]), [2 * 4 + 1]);
  });

  it('matches the reference transposition on random volumes and random crops', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 30; trial++) {
      const size: Size = [2 + Math.floor(random() * 7), 2 + Math.floor(random() * 7), 2 + Math.floor(random() * 7)];
      const data = new Uint8Array(size[0] * size[1] * size[2]);
      for (let v = 0; v < data.length; v++) data[v] = random() < 0.3 ? 1 : 0;
      const runs = fileRuns(data, size);
      const margin = Math.floor(random() * 3);
      const crop = boundingCrop(runs, size, margin);
      assert.deepEqual(runsToCropMask(runs, size, crop), referenceCrop(data, size, crop), `trial ${trial}`);
      // an arbitrary crop, partly outside the scan
      const other: CropBox = {
        origin: [Math.floor(random() * 5) - 2, Math.floor(random() * 5) - 2, Math.floor(random() * 5) - 2],
        shape: [1 + Math.floor(random() * 6), 1 + Math.floor(random() * 6), 1 + Math.floor(random() * 6)] as Shape3,
      };
      assert.deepEqual(runsToCropMask(runs, size, other), referenceCrop(data, size, other), `trial ${trial} other crop`);
    }
  });
});

describe('cropToFileOrder', () => {
  it('round trip file → crop → file restores the mask (margin 0 and margins past the scan)', () => {
    const data = fileMask(SIZE, [...VOXELS, [0, 0, 0], [5, 4, 3]]);
    const runs = fileRuns(data, SIZE);
    for (const margin of [0, 1, 4]) {
      const crop = boundingCrop(runs, SIZE, margin);
      const out = new Uint8Array(data.length);
      cropToFileOrder(crop, runsToCropMask(runs, SIZE, crop), SIZE, out);
      assert.deepEqual(out, data, `margin ${margin}`);
    }
  });

  it('writes label values at x + nx·(y + ny·z), dropping voxels outside the scan', () => {
    // crop origin (4, 3, 2), shape [3, 3, 3]: crop (i, j, k) is scan (4 + i, 3 + j, 2 + k); x = 6, y = 5, z = 4
    // are outside the 6×5×4 scan
    const crop: CropBox = { origin: [4, 3, 2], shape: [3, 3, 3] };
    const values = new Int32Array(27);
    for (let v = 0; v < 27; v++) values[v] = 1000 + v;
    const out = new Int32Array(120);
    cropToFileOrder(crop, values, SIZE, out);
    // inside the scan: i ∈ {0,1}, j ∈ {0,1}, k ∈ {0,1} → 8 voxels
    let written = 0;
    for (let v = 0; v < out.length; v++) if (out[v]) written++;
    assert.equal(written, 8);
    // crop (1, 0, 1) = index (1·3 + 0)·3 + 1 = 10 → scan (5, 3, 3)
    assert.equal(out[fileIndex(SIZE, 5, 3, 3)], 1010);
    // crop (0, 1, 0) = index 3 → scan (4, 4, 2)
    assert.equal(out[fileIndex(SIZE, 4, 4, 2)], 1003);
  });

  it('round trip of random label crops with negative origins', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 20; trial++) {
      const size: Size = [3 + Math.floor(random() * 5), 3 + Math.floor(random() * 5), 3 + Math.floor(random() * 5)];
      const data = new Uint16Array(size[0] * size[1] * size[2]);
      for (let v = 0; v < data.length; v++) data[v] = random() < 0.4 ? 1 + Math.floor(random() * 60000) : 0;
      // a crop covering the whole scan with margin 2: copy the values in, write them back
      const crop: CropBox = { origin: [-2, -2, -2], shape: [size[0] + 4, size[1] + 4, size[2] + 4] };
      const [n0, n1, n2] = crop.shape;
      const cropValues = new Uint16Array(n0 * n1 * n2);
      for (let x = 0; x < size[0]; x++) {
        for (let y = 0; y < size[1]; y++) {
          for (let z = 0; z < size[2]; z++) cropValues[((x + 2) * n1 + (y + 2)) * n2 + (z + 2)] = data[fileIndex(size, x, y, z)];
        }
      }
      // a value in the margin must not land anywhere
      cropValues[0] = 7;
      cropValues[cropValues.length - 1] = 9;
      const out = new Uint16Array(data.length);
      cropToFileOrder(crop, cropValues, size, out);
      assert.deepEqual(out, data, `trial ${trial}`);
    }
  });
});
