import assert from 'node:assert/strict';
import { describe, it } from 'mocha';

import { isEulerInvariant, isSimplePoint, skeletonizeLee } from '../../evaluator/kernels/skeletonize-lee.ts';
import type { Shape3 } from '../../evaluator/volume/shape.ts';

// ------------------------------------------------------------------------------------------------ helpers

function zeros(shape: Shape3): Uint8Array {
  return new Uint8Array(shape[0] * shape[1] * shape[2]);
}

/** Fill the box lo <= (i, j, k) < hi (exclusive upper bounds). */
function fillBox(mask: Uint8Array, shape: Shape3, lo: Shape3, hi: Shape3, value = 1): Uint8Array {
  for (let i = lo[0]; i < hi[0]; i++) {
    for (let j = lo[1]; j < hi[1]; j++) {
      for (let k = lo[2]; k < hi[2]; k++) mask[(i * shape[1] + j) * shape[2] + k] = value;
    }
  }
  return mask;
}

function box(shape: Shape3, lo: Shape3, hi: Shape3): Uint8Array {
  return fillBox(zeros(shape), shape, lo, hi);
}

/** Fill every voxel within `radius` of the segment a–b. */
function fillTube(mask: Uint8Array, shape: Shape3, a: Shape3, b: Shape3, radius: number): void {
  const ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len2 = ab[0] ** 2 + ab[1] ** 2 + ab[2] ** 2;
  for (let i = 0; i < shape[0]; i++) {
    for (let j = 0; j < shape[1]; j++) {
      for (let k = 0; k < shape[2]; k++) {
        const ap = [i - a[0], j - a[1], k - a[2]];
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (ap[0] * ab[0] + ap[1] * ab[1] + ap[2] * ab[2]) / len2));
        const d2 = (ap[0] - t * ab[0]) ** 2 + (ap[1] - t * ab[1]) ** 2 + (ap[2] - t * ab[2]) ** 2;
        if (d2 <= radius * radius) mask[(i * shape[1] + j) * shape[2] + k] = 1;
      }
    }
  }
}

function count(volume: Uint8Array): number {
  let n = 0;
  for (const v of volume) n += v;
  return n;
}

/** Coordinates "(i,j,k)" of the nonzero voxels, in C order. */
function voxels(volume: Uint8Array, shape: Shape3): string[] {
  const out: string[] = [];
  for (let i = 0; i < shape[0]; i++) {
    for (let j = 0; j < shape[1]; j++) {
      for (let k = 0; k < shape[2]; k++) if (volume[(i * shape[1] + j) * shape[2] + k]) out.push(`(${i},${j},${k})`);
    }
  }
  return out;
}

/** Number of 26-connected components of the nonzero voxels. */
function components26(volume: Uint8Array, shape: Shape3): number {
  const [n0, n1, n2] = shape;
  const seen = new Uint8Array(volume.length);
  let n = 0;
  for (let start = 0; start < volume.length; start++) {
    if (!volume[start] || seen[start]) continue;
    n++;
    seen[start] = 1;
    const stack = [start];
    while (stack.length > 0) {
      const v = stack.pop()!;
      const k = v % n2;
      const j = ((v - k) / n2) % n1;
      const i = (v - k - j * n2) / (n1 * n2);
      for (let di = -1; di <= 1; di++) {
        for (let dj = -1; dj <= 1; dj++) {
          for (let dk = -1; dk <= 1; dk++) {
            const a = i + di;
            const b = j + dj;
            const c = k + dk;
            if (a < 0 || b < 0 || c < 0 || a >= n0 || b >= n1 || c >= n2) continue;
            const w = (a * n1 + b) * n2 + c;
            if (volume[w] && !seen[w]) {
              seen[w] = 1;
              stack.push(w);
            }
          }
        }
      }
    }
  }
  return n;
}

/** Embed `inner` at offset `at` in a zero volume of shape `outer`. */
function embed(inner: Uint8Array, innerShape: Shape3, outer: Shape3, at: Shape3): Uint8Array {
  const out = zeros(outer);
  for (let i = 0; i < innerShape[0]; i++) {
    for (let j = 0; j < innerShape[1]; j++) {
      for (let k = 0; k < innerShape[2]; k++) {
        const source = (i * innerShape[1] + j) * innerShape[2] + k;
        out[((i + at[0]) * outer[1] + j + at[1]) * outer[2] + k + at[2]] = inner[source];
      }
    }
  }
  return out;
}

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

// ------------------------------------------------------------------------------------------------ tests

describe('skeletonizeLee (scikit-image 0.19 skeletonize_3d)', () => {
  describe('reference voxel counts from scikit-image 0.19.3', () => {
    const cases: Array<[string, Shape3, Shape3, Shape3, number]> = [
      ['line of 7 voxels along k', [5, 5, 11], [2, 2, 2], [3, 3, 9], 7],
      ['line of 7 voxels along i', [11, 5, 5], [2, 2, 2], [9, 3, 3], 7],
      ['cube 3×3×3', [7, 7, 7], [2, 2, 2], [5, 5, 5], 3],
      ['bar 3×3 × 26 along k', [7, 7, 32], [2, 2, 3], [5, 5, 29], 24],
      ['bar 3×3 × 26 along i', [32, 7, 7], [3, 2, 2], [29, 5, 5], 26],
      ['bar 2×2 × 26 along i', [32, 6, 6], [3, 2, 2], [29, 4, 4], 0],
      ['bar 6×6 × 30 along i', [36, 10, 10], [3, 2, 2], [33, 8, 8], 0],
    ];
    for (const [name, shape, lo, hi, expected] of cases) {
      it(`${name} → ${expected}`, () => {
        assert.equal(count(skeletonizeLee(box(shape, lo, hi), shape)), expected);
      });
    }

    it('round tube of radius √25 along i in a 40³ volume → 28', () => {
      const shape: Shape3 = [40, 40, 40];
      const mask = zeros(shape);
      for (let i = 4; i < 36; i++) {
        for (let j = 0; j < 40; j++) {
          for (let k = 0; k < 40; k++) if ((j - 20) ** 2 + (k - 20) ** 2 < 25) mask[(i * 40 + j) * 40 + k] = 1;
        }
      }
      const skeleton = skeletonizeLee(mask, shape);
      assert.equal(count(skeleton), 28);
      for (let v = 0; v < skeleton.length; v++) if (skeleton[v]) assert.equal(mask[v], 1);
    });
  });

  describe('hand-checked 3×3 plates in a 5×5×5 volume', () => {
    // Directions are visited in the order j-1, j+1, k+1, k-1, i+1, i-1, and the sequential re-check only tests
    // simplicity (not end points nor Euler invariance):
    //  - plate i = 2: the j-1 pass peels row j = 1, the j+1 pass row j = 3; the line along k is left (its ends are
    //    end points, its middle is not Euler invariant);
    //  - plate k = 2: same, leaving the line along i;
    //  - plate j = 2: the j-1 pass sees all nine voxels as border points; the eight ring voxels are candidates (the
    //    centre is not: removing it would make a hole), and re-checked one by one in scan order each is still
    //    simple, down to (3,2,3) whose only remaining neighbour is the centre. Only the centre is left.
    const plate = (fixedAxis: number): Uint8Array => {
      const mask = zeros([5, 5, 5]);
      for (let a = 1; a <= 3; a++) {
        for (let b = 1; b <= 3; b++) {
          const c = [a, b];
          c.splice(fixedAxis, 0, 2);
          mask[(c[0] * 5 + c[1]) * 5 + c[2]] = 1;
        }
      }
      return mask;
    };
    it('plate in the (j, k) plane → line along k', () => {
      assert.deepEqual(voxels(skeletonizeLee(plate(0), [5, 5, 5]), [5, 5, 5]), ['(2,2,1)', '(2,2,2)', '(2,2,3)']);
    });
    it('plate in the (i, k) plane → its centre only', () => {
      assert.deepEqual(voxels(skeletonizeLee(plate(1), [5, 5, 5]), [5, 5, 5]), ['(2,2,2)']);
    });
    it('plate in the (i, j) plane → line along i', () => {
      assert.deepEqual(voxels(skeletonizeLee(plate(2), [5, 5, 5]), [5, 5, 5]), ['(1,2,2)', '(2,2,2)', '(3,2,2)']);
    });
  });

  describe('edge cases', () => {
    it('empty mask → empty skeleton', () => {
      const shape: Shape3 = [4, 5, 6];
      const skeleton = skeletonizeLee(zeros(shape), shape);
      assert.equal(skeleton.length, 120);
      assert.equal(count(skeleton), 0);
    });

    it('zero-size volume', () => {
      assert.equal(skeletonizeLee(new Uint8Array(0), [0, 3, 3]).length, 0);
    });

    it('rejects a mask whose length does not match the shape', () => {
      assert.throws(() => skeletonizeLee(new Uint8Array(10), [2, 2, 2]), RangeError);
    });

    it('a single voxel stays, also in a corner and in a 1×1×1 volume', () => {
      const shape: Shape3 = [3, 4, 5];
      for (const v of [0, 27, 59]) {
        const mask = zeros(shape);
        mask[v] = 1;
        assert.deepEqual(Array.from(skeletonizeLee(mask, shape)), Array.from(mask));
      }
      assert.deepEqual(Array.from(skeletonizeLee(new Uint8Array([1]), [1, 1, 1])), [1]);
    });

    it('does not modify the input and treats any nonzero value as foreground', () => {
      const shape: Shape3 = [32, 7, 7];
      const ones = box(shape, [3, 2, 2], [29, 5, 5]);
      const mixed = fillBox(box(shape, [3, 2, 2], [29, 5, 5]), shape, [10, 2, 2], [20, 5, 5], 255);
      const copy = mixed.slice();
      const skeleton = skeletonizeLee(mixed, shape);
      assert.deepEqual(mixed, copy);
      assert.deepEqual(skeleton, skeletonizeLee(ones, shape));
      assert.ok(skeleton.every((v) => v === 0 || v === 1));
    });
  });

  describe('properties', () => {
    it('an object touching the array border gives the same skeleton as when embedded in a larger zero array', () => {
      // A bent tube and a thick bar, both cut by the faces i = 0, j = 0 and k = n2 - 1.
      const shape: Shape3 = [20, 18, 22];
      const mask = zeros(shape);
      fillTube(mask, shape, [0, 0, 10], [12, 9, 21], 3.2);
      fillTube(mask, shape, [12, 9, 21], [19, 17, 5], 2.5);
      fillBox(mask, shape, [0, 10, 0], [7, 18, 5]);
      const skeleton = skeletonizeLee(mask, shape);
      assert.ok(count(skeleton) > 0);

      const outer: Shape3 = [shape[0] + 5, shape[1] + 4, shape[2] + 3];
      const at: Shape3 = [2, 3, 1];
      assert.deepEqual(skeletonizeLee(embed(mask, shape, outer, at), outer), embed(skeleton, shape, outer, at));
    });

    it('a Y-shaped tube gives one 26-connected skeleton inside the mask, reaching all three ends', () => {
      const shape: Shape3 = [44, 40, 36];
      const mask = zeros(shape);
      fillTube(mask, shape, [4, 20, 18], [20, 20, 18], 3.5);
      fillTube(mask, shape, [20, 20, 18], [38, 8, 14], 2.8);
      fillTube(mask, shape, [20, 20, 18], [38, 32, 22], 2.8);
      const skeleton = skeletonizeLee(mask, shape);
      for (let v = 0; v < skeleton.length; v++) if (skeleton[v]) assert.equal(mask[v], 1, 'skeleton outside mask');
      assert.equal(components26(skeleton, shape), 1);
      const points = voxels(skeleton, shape).map((s) => s.slice(1, -1).split(',').map(Number));
      assert.ok(points.some(([i]) => i <= 6), 'trunk end');
      assert.ok(points.some(([i, j]) => i >= 34 && j <= 12), 'first branch end');
      assert.ok(points.some(([i, j]) => i >= 34 && j >= 28), 'second branch end');
    });

    it('local tests agree with brute force: simple ⇔ ≤ 1 26-component, Euler invariant ⇔ χ unchanged', () => {
      // Neighbour n sits at (dp, dr, dc) = (⌊n/9⌋ - 1, n mod 3 - 1, ⌊n/3⌋ mod 3 - 1).
      const position = (n: number): [number, number, number] => [Math.floor(n / 9), n % 3, Math.floor(n / 3) % 3];
      const componentCount = (nb: Uint8Array): number => {
        const seen = new Uint8Array(27);
        let c = 0;
        for (let s = 0; s < 27; s++) {
          if (s === 13 || !nb[s] || seen[s]) continue;
          c++;
          seen[s] = 1;
          const stack = [s];
          while (stack.length > 0) {
            const a = position(stack.pop()!);
            for (let t = 0; t < 27; t++) {
              if (t === 13 || !nb[t] || seen[t]) continue;
              const b = position(t);
              if (Math.abs(a[0] - b[0]) <= 1 && Math.abs(a[1] - b[1]) <= 1 && Math.abs(a[2] - b[2]) <= 1) {
                seen[t] = 1;
                stack.push(t);
              }
            }
          }
        }
        return c;
      };
      // Euler characteristic of the union of the closed unit cubes of the foreground voxels (cells counted on a
      // doubled grid: a cell's dimension is the number of its odd coordinates).
      const around = (x: number): number[] =>
        x % 2 ? [(x - 1) / 2] : [x / 2 - 1, x / 2].filter((v) => v >= 0 && v <= 2);
      const euler = (nb: Uint8Array): number => {
        let chi = 0;
        for (let a = 0; a <= 6; a++) {
          for (let b = 0; b <= 6; b++) {
            for (let c = 0; c <= 6; c++) {
              let inside = false;
              for (const p of around(a)) {
                for (const r of around(b)) for (const q of around(c)) inside ||= nb[9 * p + 3 * q + r] === 1;
              }
              if (inside) chi += ((a % 2) + (b % 2) + (c % 2)) % 2 ? -1 : 1;
            }
          }
        }
        return chi;
      };
      const random = lcg(2024);
      for (let trial = 0; trial < 3000; trial++) {
        const nb = new Uint8Array(27);
        const density = random();
        for (let n = 0; n < 27; n++) nb[n] = random() < density ? 1 : 0;
        nb[13] = 1;
        const without = nb.slice();
        without[13] = 0;
        assert.equal(isSimplePoint(nb), componentCount(nb) <= 1);
        assert.equal(isEulerInvariant(nb), euler(nb) === euler(without));
      }
    });
  });
});
