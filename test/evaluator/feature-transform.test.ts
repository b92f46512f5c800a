import assert from 'node:assert/strict';
import { describe, it } from 'mocha';

import { nearestFeature, nearestFeatureSquaredDistance } from '../../evaluator/kernels/feature-transform.ts';
import { coordinates, flatIndex, type Shape3 } from '../../evaluator/volume/shape.ts';
import { seededRandom } from '../../ranking/seeded-random.ts';

/** Deterministic PRNG (mulberry32), values in [0, 1). */
const prng = seededRandom;

function volumeWith(shape: Shape3, points: ReadonlyArray<readonly [number, number, number]>): Uint8Array {
  const f = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (const [i, j, k] of points) f[flatIndex(shape, i, j, k)] = 1;
  return f;
}

function squaredDistance(shape: Shape3, a: number, b: number): number {
  const [ai, aj, ak] = coordinates(shape, a);
  const [bi, bj, bk] = coordinates(shape, b);
  return (ai - bi) ** 2 + (aj - bj) ** 2 + (ak - bk) ** 2;
}

/**
 * Brute force: minimal squared distance, and the winner under the rule derived from SciPy's code (file header):
 * among the nearest feature voxels, smallest k, then smallest j, then smallest i.
 */
function bruteForce(features: Uint8Array, shape: Shape3): { index: Int32Array; dist2: Int32Array } {
  const size = features.length;
  const list: number[] = [];
  for (let v = 0; v < size; v++) if (features[v]) list.push(v);
  const key = (v: number): number => {
    const [i, j, k] = coordinates(shape, v);
    return (k * shape[1] + j) * shape[0] + i; // lexicographic (k, j, i)
  };
  const index = new Int32Array(size).fill(-1);
  const dist2 = new Int32Array(size).fill(-1);
  for (let v = 0; v < size; v++) {
    let best = -1;
    let bestD = Infinity;
    for (const f of list) {
      const d = squaredDistance(shape, v, f);
      if (d < bestD || (d === bestD && key(f) < key(best))) {
        best = f;
        bestD = d;
      }
    }
    index[v] = best;
    dist2[v] = best < 0 ? -1 : bestD;
  }
  return { index, dist2 };
}

function randomFeatures(rand: () => number, shape: Shape3, density: number): Uint8Array {
  const f = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let v = 0; v < f.length; v++) if (rand() < density) f[v] = 1;
  return f;
}

// The hand-derived expectations below were also confirmed by running SciPy 1.17.1 (same algorithm as 1.10).
describe('nearestFeature (exact EDT feature transform, SciPy 1.10 tie-breaking)', () => {
  it('1 × 1 × 5 line with features at both ends: the middle voxel takes the lower end', () => {
    // Only the axis-2 pass does anything: sites k = 0 and k = 4. At x = 2 the walk starts at site 0 with
    // delta1 = 4, the next site also has delta2 = 4, and `delta1 <= delta2` stops the walk: k = 0 wins.
    const shape: Shape3 = [1, 1, 5];
    assert.deepEqual(Array.from(nearestFeature(volumeWith(shape, [[0, 0, 0], [0, 0, 4]]), shape)), [0, 0, 0, 4, 4]);
  });

  it('5 × 1 × 1 line with features at both ends: the middle voxel takes i = 0', () => {
    // Same decision in the axis-0 pass (sites are the features, in increasing i).
    const shape: Shape3 = [5, 1, 1];
    assert.deepEqual(Array.from(nearestFeature(volumeWith(shape, [[0, 0, 0], [4, 0, 0]]), shape)), [0, 0, 0, 4, 4]);
  });

  it('3 × 3 × 3 with features at opposite corners: the centre takes the corner with the smaller k', () => {
    const shape: Shape3 = [3, 3, 3];
    const centre = flatIndex(shape, 1, 1, 1);
    // (0,0,0) vs (2,2,2): after axes 0 and 1, slab k = 0 carries (0,0,0) and slab k = 2 carries (2,2,2), both at
    // squared distance 2 from the line (1,1,·); at x = 1 both give 3, so the first site (k = 0) stays.
    let r = nearestFeature(volumeWith(shape, [[0, 0, 0], [2, 2, 2]]), shape);
    assert.equal(r[centre], flatIndex(shape, 0, 0, 0));
    // (0,0,2) vs (2,2,0): the same walk picks slab k = 0, i.e. (2,2,0) = flat 24, although (0,0,2) = flat 2 comes
    // first in C order.
    r = nearestFeature(volumeWith(shape, [[0, 0, 2], [2, 2, 0]]), shape);
    assert.equal(r[centre], flatIndex(shape, 2, 2, 0));
    assert.equal(r[centre], 24);
  });

  it('features equidistant along different axes: smallest k, then smallest j, then smallest i', () => {
    const shape: Shape3 = [3, 3, 3];
    const centre = flatIndex(shape, 1, 1, 1);
    // (0,1,1), (1,0,1), (1,1,0). Axis 1, line (1,·,1): sites j = 0 → (1,0,1) at distance² 0 and j = 1 → (0,1,1)
    // at 1; at x = 1 both give 1, j = 0 stays → (1,0,1). Axis 2, line (1,1,·): site k = 0 → (1,1,0) (0 from the
    // line) and k = 1 → (1,0,1) (1 from the line); at x = 1 both give 1, k = 0 stays → (1,1,0).
    let r = nearestFeature(volumeWith(shape, [[0, 1, 1], [1, 0, 1], [1, 1, 0]]), shape);
    assert.equal(r[centre], flatIndex(shape, 1, 1, 0));
    // (0,1,1) vs (1,0,1): only the axis-1 decision above → (1,0,1).
    r = nearestFeature(volumeWith(shape, [[0, 1, 1], [1, 0, 1]]), shape);
    assert.equal(r[centre], flatIndex(shape, 1, 0, 1));
    // (2,1,1) vs (1,2,1): axis 1, line (1,·,1): sites j = 1 → (2,1,1) and j = 2 → (1,2,1), both 1 away at x = 1;
    // j = 1 stays → (2,1,1) = flat 22, although (1,2,1) = flat 16 is smaller.
    r = nearestFeature(volumeWith(shape, [[2, 1, 1], [1, 2, 1]]), shape);
    assert.equal(r[centre], flatIndex(shape, 2, 1, 1));
    // (0,1,1) vs (2,1,1): same line along axis 0, i = 0 stays.
    r = nearestFeature(volumeWith(shape, [[0, 1, 1], [2, 1, 1]]), shape);
    assert.equal(r[centre], flatIndex(shape, 0, 1, 1));
  });

  it('three-way tie where the envelope test is exactly 0 (the middle site is kept, the first one wins)', () => {
    // Shape [2, 1, 3], features (1,0,0) = 3, (0,0,1) = 1, (1,0,2) = 5. Line (1,0,·) after axis 0: sites k = 0, 1, 2
    // with squared distances to the line 0, 1, 0. Pushing k = 2: a = b = 1, c = 2, c·1 − 0 − 0 − 2 = 0 → not
    // popped. At x = 1 the three sites all give 1; the walk stops at k = 0 → 3. Line (0,0,·): sites at distances
    // 1, 0, 1; voxel (0,0,0) ties (1,0,0) and (0,0,1) → k = 0 → 3; voxel (0,0,2) ties (0,0,1) and (1,0,2) → 1.
    const shape: Shape3 = [2, 1, 3];
    const r = nearestFeature(volumeWith(shape, [[1, 0, 0], [0, 0, 1], [1, 0, 2]]), shape);
    assert.deepEqual(Array.from(r), [3, 1, 1, 3, 3, 5]);
  });

  it("reproduces SciPy's documented 2-D example (distance_transform_edt docstring), embedded in 3-D", () => {
    // input a (features are its zeros) and the `inds` printed by SciPy's docstring example, which is run as a
    // doctest. Ties there: (0,1) → (0,0) not (1,1); (2,1) → (2,0) not (1,1); (3,3) → (4,3) not (3,4): the feature
    // with the smaller last coordinate wins.
    const a = [
      [0, 1, 1, 1, 1],
      [0, 0, 1, 1, 1],
      [0, 1, 1, 1, 1],
      [0, 1, 1, 1, 0],
      [0, 1, 1, 0, 0],
    ];
    const inds0 = [
      [0, 0, 1, 1, 3],
      [1, 1, 1, 1, 3],
      [2, 2, 1, 3, 3],
      [3, 3, 4, 4, 3],
      [4, 4, 4, 4, 4],
    ];
    const inds1 = [
      [0, 0, 1, 1, 4],
      [0, 1, 1, 1, 4],
      [0, 0, 1, 4, 4],
      [0, 0, 3, 3, 4],
      [0, 0, 3, 3, 4],
    ];
    // As [5, 5, 1] (rows = i, columns = j) and as [1, 5, 5] (rows = j, columns = k): both keep the 2-D axis order.
    for (const asPlane of [false, true]) {
      const shape: Shape3 = asPlane ? [1, 5, 5] : [5, 5, 1];
      const at = (r: number, c: number): number => (asPlane ? flatIndex(shape, 0, r, c) : flatIndex(shape, r, c, 0));
      const features = new Uint8Array(25);
      for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) if (a[r][c] === 0) features[at(r, c)] = 1;
      const result = nearestFeature(features, shape);
      for (let r = 0; r < 5; r++) {
        for (let c = 0; c < 5; c++) {
          assert.equal(result[at(r, c)], at(inds0[r][c], inds1[r][c]), `voxel (${r}, ${c}) as ${shape.join('×')}`);
        }
      }
    }
  });

  it('matches a brute-force search on random volumes: minimal distances, and the derived tie rule', () => {
    const rand = prng(20240611);
    for (let trial = 0; trial < 300; trial++) {
      const shape: Shape3 = [1 + Math.floor(rand() * 9), 1 + Math.floor(rand() * 9), 1 + Math.floor(rand() * 9)];
      const density = [0.01, 0.03, 0.1, 0.3, 0.6][trial % 5];
      const features = randomFeatures(rand, shape, density);
      const result = nearestFeature(features, shape);
      const dist2 = nearestFeatureSquaredDistance(result, shape);
      const brute = bruteForce(features, shape);
      for (let v = 0; v < features.length; v++) {
        if (brute.index[v] < 0) {
          assert.equal(result[v], -1);
          continue;
        }
        assert.ok(features[result[v]] !== 0, `trial ${trial}: voxel ${v} points at a non-feature voxel`);
        assert.equal(squaredDistance(shape, v, result[v]), brute.dist2[v], `trial ${trial}: distance at voxel ${v}`);
        assert.equal(dist2[v], brute.dist2[v]);
      }
      assert.deepEqual(result, brute.index, `trial ${trial}: tie-breaking, shape ${shape.join('×')}`);
    }
  });

  it('maps feature voxels to themselves', () => {
    const rand = prng(7);
    const shape: Shape3 = [11, 7, 13];
    const features = randomFeatures(rand, shape, 0.2);
    const result = nearestFeature(features, shape);
    for (let v = 0; v < features.length; v++) if (features[v]) assert.equal(result[v], v);
  });

  it('returns −1 everywhere when there is no feature voxel (SciPy would give indices [−1, 0, 0])', () => {
    const shape: Shape3 = [3, 4, 5];
    const result = nearestFeature(new Uint8Array(60), shape);
    assert.ok(result.every((x) => x === -1));
    assert.ok(nearestFeatureSquaredDistance(result, shape).every((x) => x === -1));
    assert.equal(nearestFeature(new Uint8Array(0), [0, 3, 4]).length, 0);
  });

  it('does not modify its input and rejects a wrong length', () => {
    const rand = prng(99);
    const shape: Shape3 = [6, 9, 8];
    const features = randomFeatures(rand, shape, 0.1);
    features[5] = 7; // any non-zero value is a feature
    const copy = features.slice();
    const result = nearestFeature(features, shape);
    assert.deepEqual(features, copy);
    assert.equal(result[5], 5);
    assert.throws(() => nearestFeature(new Uint8Array(10), shape), RangeError);
  });

  it('gives the same result on any box that contains all feature voxels (the caller crops)', () => {
    const rand = prng(31337);
    for (let trial = 0; trial < 40; trial++) {
      const shape: Shape3 = [14 + Math.floor(rand() * 8), 12 + Math.floor(rand() * 8), 16 + Math.floor(rand() * 8)];
      // Features inside a random box [lo, hi] per axis.
      const lo = shape.map((n) => Math.floor(rand() * (n / 2)));
      const hi = shape.map((n, a) => lo[a] + Math.floor(rand() * (n - lo[a])));
      const features = new Uint8Array(shape[0] * shape[1] * shape[2]);
      const count = 1 + Math.floor(rand() * 25);
      for (let t = 0; t < count; t++) {
        const p = lo.map((l, a) => l + Math.floor(rand() * (hi[a] - l + 1)));
        features[flatIndex(shape, p[0], p[1], p[2])] = 1;
      }
      const full = nearestFeature(features, shape);
      // The tight bounding box of the features, and a random larger box around it.
      let bmin = [Infinity, Infinity, Infinity];
      let bmax = [-1, -1, -1];
      for (let v = 0; v < features.length; v++) {
        if (!features[v]) continue;
        const c = coordinates(shape, v);
        bmin = bmin.map((m, a) => Math.min(m, c[a]));
        bmax = bmax.map((m, a) => Math.max(m, c[a]));
      }
      const boxes = [
        [bmin, bmax],
        [bmin.map((m) => Math.floor(rand() * (m + 1))), bmax.map((m, a) => m + Math.floor(rand() * (shape[a] - m)))],
      ];
      for (const [from, to] of boxes) {
        const crop: Shape3 = [to[0] - from[0] + 1, to[1] - from[1] + 1, to[2] - from[2] + 1];
        const cropped = new Uint8Array(crop[0] * crop[1] * crop[2]);
        for (let i = 0; i < crop[0]; i++) {
          for (let j = 0; j < crop[1]; j++) {
            for (let k = 0; k < crop[2]; k++) {
              cropped[flatIndex(crop, i, j, k)] = features[flatIndex(shape, i + from[0], j + from[1], k + from[2])];
            }
          }
        }
        const part = nearestFeature(cropped, crop);
        for (let v = 0; v < part.length; v++) {
          const [i, j, k] = coordinates(crop, v);
          const [fi, fj, fk] = coordinates(crop, part[v]);
          const expected = full[flatIndex(shape, i + from[0], j + from[1], k + from[2])];
          assert.equal(flatIndex(shape, fi + from[0], fj + from[1], fk + from[2]), expected, `trial ${trial}`);
        }
      }
    }
  });
});
