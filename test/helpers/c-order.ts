/**
 * Test helpers for kernels that work on logical C-order volumes (voxel (i, j, k) at (i * n1 + j) * n2 + k,
 * see evaluator/volume/shape.ts): building small volumes, a seeded random generator, and brute-force reference
 * implementations (breadth-first flood fills) to compare the fast kernels against. Pure functions, no I/O.
 */
import type { Shape3 } from '../../evaluator/volume/shape.ts';
import { seededRandom } from '../../ranking/seeded-random.ts';

export type Voxel = readonly [number, number, number];

export function size(shape: Shape3): number {
  return shape[0] * shape[1] * shape[2];
}

export function at(shape: Shape3, i: number, j: number, k: number): number {
  return (i * shape[1] + j) * shape[2] + k;
}

/** A zero mask with the given voxels set to `value`. */
export function maskOf(shape: Shape3, voxels: readonly Voxel[], value = 1): Uint8Array {
  const mask = new Uint8Array(size(shape));
  for (const [i, j, k] of voxels) mask[at(shape, i, j, k)] = value;
  return mask;
}

/** Sets the box lo <= (i, j, k) < hi (exclusive upper bounds) to `value`. */
export function fillBox(mask: Uint8Array, shape: Shape3, lo: Voxel, hi: Voxel, value = 1): Uint8Array {
  for (let i = lo[0]; i < hi[0]; i++) {
    for (let j = lo[1]; j < hi[1]; j++) for (let k = lo[2]; k < hi[2]; k++) mask[at(shape, i, j, k)] = value;
  }
  return mask;
}

/** A mask from a string of '0'/'1' characters in C order (whitespace ignored), e.g. NumPy's `ravel()`. */
export function parseBits(bits: string): Uint8Array {
  const clean = bits.replace(/\s+/g, '');
  const mask = new Uint8Array(clean.length);
  for (let v = 0; v < clean.length; v++) mask[v] = clean[v] === '1' ? 1 : 0;
  return mask;
}

/** Nonzero voxels as [i, j, k, value], in C order. */
export function nonzeroVoxels(values: ArrayLike<number>, shape: Shape3): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  for (let i = 0; i < shape[0]; i++) {
    for (let j = 0; j < shape[1]; j++) {
      for (let k = 0; k < shape[2]; k++) {
        const value = values[at(shape, i, j, k)];
        if (value) out.push([i, j, k, value]);
      }
    }
  }
  return out;
}

/** Mulberry32, seeded, floats in [0, 1): the same generator the seed uses, so tests and seed share one. */
export { seededRandom };

/** A random 0/1 mask with P(voxel = 1) = density. */
export function randomMask(shape: Shape3, density: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const mask = new Uint8Array(size(shape));
  for (let v = 0; v < mask.length; v++) mask[v] = random() < density ? 1 : 0;
  return mask;
}

/** Offsets of the 6 or 26 neighbours. */
export function neighbourOffsets(connectivity: 6 | 26): Voxel[] {
  const out: Voxel[] = [];
  for (let di = -1; di <= 1; di++) {
    for (let dj = -1; dj <= 1; dj++) {
      for (let dk = -1; dk <= 1; dk++) {
        const d = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (d === 0 || (connectivity === 6 && d !== 1)) continue;
        out.push([di, dj, dk]);
      }
    }
  }
  return out;
}

/**
 * Brute-force labelling: scan in C order; each unlabelled voxel with `isForeground` starts a breadth-first flood.
 * Labels are therefore numbered in first-met C order, like scipy.ndimage.label.
 */
export function floodLabel(
  values: ArrayLike<number>,
  shape: Shape3,
  connectivity: 6 | 26,
  isForeground: (value: number) => boolean = (value) => value !== 0,
): { labels: Int32Array; count: number; sizes: number[] } {
  const [n0, n1, n2] = shape;
  const labels = new Int32Array(size(shape));
  const sizes = [0];
  const offsets = neighbourOffsets(connectivity);
  const queue = new Int32Array(size(shape));
  let count = 0;
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] || !isForeground(values[start])) continue;
    count++;
    sizes.push(0);
    let head = 0;
    let tail = 0;
    labels[start] = count;
    queue[tail++] = start;
    while (head < tail) {
      const v = queue[head++];
      sizes[count]++;
      const k = v % n2;
      const j = ((v - k) / n2) % n1;
      const i = (v - k - j * n2) / (n1 * n2);
      for (const [di, dj, dk] of offsets) {
        const a = i + di;
        const b = j + dj;
        const c = k + dk;
        if (a < 0 || a >= n0 || b < 0 || b >= n1 || c < 0 || c >= n2) continue;
        const w = (a * n1 + b) * n2 + c;
        if (labels[w] || !isForeground(values[w])) continue;
        labels[w] = count;
        queue[tail++] = w;
      }
    }
  }
  sizes[0] = labels.length - sizes.reduce((s, x) => s + x, 0);
  return { labels, count, sizes };
}

/** Brute-force hole filling: background voxels not 6-connected to the array's border become foreground. */
export function floodFillHoles(mask: ArrayLike<number>, shape: Shape3): Uint8Array {
  const [n0, n1, n2] = shape;
  const background = floodLabel(mask, shape, 6, (value) => value === 0);
  const open = new Uint8Array(background.count + 1);
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      for (let k = 0; k < n2; k++) {
        if (i === 0 || j === 0 || k === 0 || i === n0 - 1 || j === n1 - 1 || k === n2 - 1) {
          open[background.labels[at(shape, i, j, k)]] = 1;
        }
      }
    }
  }
  const out = new Uint8Array(size(shape));
  for (let v = 0; v < out.length; v++) {
    const l = background.labels[v];
    out[v] = l === 0 || !open[l] ? 1 : 0;
  }
  return out;
}
