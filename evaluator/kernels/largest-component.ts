/**
 * The largest 6-connected component of a binary volume, found over runs of foreground along the fastest axis.
 *
 * Memory grows with the number of runs, not voxels, so a full 512×512×700 prediction costs one linear scan and a
 * few megabytes. Equal-sized largest components are resolved as the official code does (see `breakSizeTie`).
 * Input: values > 0 are foreground; it is not modified.
 */
import type { Shape3 } from '../volume/shape.ts';

/** Foreground runs [start, end) along axis 2, listed in C order of their rows. */
export interface RunSet {
  /** Row number (i * n1 + j) of each run. */
  readonly rows: Int32Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly count: number;
  /** Voxels in all runs. */
  readonly voxels: number;
}

class RunBuilder {
  rows = new Int32Array(1024);
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  count = 0;
  push(row: number, start: number, end: number): void {
    if (this.count === this.rows.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.rows = grow(this.rows);
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.rows[this.count] = row;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }
}

/**
 * A 32-bit view of a typed array of 1-, 2- or 4-byte elements, to skip background four bytes at a time (a zero
 * word is 4, 2 or 1 zero elements); undefined for other arrays or unaligned views.
 */
function zeroWordView(mask: ArrayLike<number>): { words: Uint32Array; shift: number } | undefined {
  if (!ArrayBuffer.isView(mask) || mask instanceof DataView) return undefined;
  const typed = mask as unknown as { BYTES_PER_ELEMENT: number; buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
  const shift = { 1: 2, 2: 1, 4: 0 }[typed.BYTES_PER_ELEMENT];
  if (shift === undefined || typed.byteOffset % 4 !== 0) return undefined;
  return { words: new Uint32Array(typed.buffer, typed.byteOffset, typed.byteLength >>> 2), shift };
}

/**
 * All foreground runs of a volume (values > 0), row by row along axis 2, in C order. Where the array allows it,
 * all-zero 32-bit words inside a row are skipped at once (most of a scan is background); a word with any set bit
 * is read element by element, so -0, NaN and negative values count as background exactly as `> 0` says.
 */
export function foregroundRuns(mask: ArrayLike<number>, shape: Shape3): RunSet {
  const [n0, n1, n2] = shape;
  const builder = new RunBuilder();
  const view = zeroWordView(mask);
  let voxels = 0;
  for (let row = 0; row < n0 * n1; row++) {
    const base = row * n2;
    let k = 0;
    while (k < n2) {
      if (view && ((base + k) & ((1 << view.shift) - 1)) === 0) {
        // skip the zero words that lie wholly inside this row
        let w = (base + k) >>> view.shift;
        const wEnd = (base + n2) >>> view.shift;
        while (w < wEnd && view.words[w] === 0) w++;
        const next = (w << view.shift) - base;
        if (next > k) {
          k = next;
          continue;
        }
      }
      if (!(mask[base + k] > 0)) {
        k++;
        continue;
      }
      const start = k;
      while (k < n2 && mask[base + k] > 0) k++;
      builder.push(row, start, k);
      voxels += k - start;
    }
  }
  const { rows, starts, ends, count } = builder;
  return { rows: rows.subarray(0, count), starts: starts.subarray(0, count), ends: ends.subarray(0, count), count, voxels };
}

/**
 * Union-find over runs: runs that overlap along axis 2 in rows adjacent along axis 0 or 1 are 6-connected.
 * Returns the root run of each run; a root is the first run of its component in C order.
 */
export function runComponentRoots(runs: RunSet, shape: Shape3): Int32Array {
  const [n0, n1] = shape;
  const { rows, starts, ends, count } = runs;
  const parent = new Int32Array(count);
  for (let r = 0; r < count; r++) parent[r] = r;
  if (count === 0) return parent;
  const firstRun = new Int32Array(n0 * n1 + 1).fill(-1);
  for (let r = count - 1; r >= 0; r--) firstRun[rows[r]] = r;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const linkRows = (r: number, otherRow: number) => {
    for (let o = firstRun[otherRow]; o >= 0 && o < count && rows[o] === otherRow; o++) {
      if (ends[o] <= starts[r]) continue;
      if (starts[o] >= ends[r]) break;
      const ra = find(r);
      const rb = find(o);
      if (ra < rb) parent[rb] = ra;
      else if (rb < ra) parent[ra] = rb;
    }
  };
  for (let r = 0; r < count; r++) {
    const row = rows[r];
    const i = Math.floor(row / n1);
    const j = row - i * n1;
    if (j > 0) linkRows(r, row - 1);
    if (i > 0) linkRows(r, row - n1);
  }
  for (let r = 0; r < count; r++) parent[r] = find(r);
  return parent;
}

/** Number of 6-connected components formed by a set of runs. */
export function countRunComponents(runs: RunSet, shape: Shape3): number {
  const roots = runComponentRoots(runs, shape);
  let components = 0;
  for (let r = 0; r < runs.count; r++) if (roots[r] === r) components++;
  return components;
}

/**
 * Equal-sized largest components: the official code takes the last of them after a stable argsort of sizes, i.e.
 * the one whose label is highest in SciPy's numbering — the one whose first voxel comes last in NumPy's C order.
 * Runs come from a file-order volume (shape [nz, ny, nx], runs along x), whose NumPy C order is x, then y, then z.
 */
function breakSizeTie(runs: RunSet, roots: Int32Array, size: Float64Array, best: number, shape: Shape3): number {
  const tied = new Set<number>();
  for (let r = 0; r < runs.count; r++) if (roots[r] === r && size[r] === size[best]) tied.add(r);
  if (tied.size < 2) return best;
  const n1 = shape[1];
  const first = new Map<number, [number, number, number]>();
  for (let r = 0; r < runs.count; r++) {
    if (!tied.has(roots[r])) continue;
    const key: [number, number, number] = [runs.starts[r], runs.rows[r] % n1, Math.floor(runs.rows[r] / n1)];
    const seen = first.get(roots[r]);
    if (!seen || key[0] < seen[0] || (key[0] === seen[0] && (key[1] < seen[1] || (key[1] === seen[1] && key[2] < seen[2])))) {
      first.set(roots[r], key);
    }
  }
  let winner = best;
  let winnerKey = first.get(best)!;
  for (const [root, key] of first) {
    if (key[0] > winnerKey[0] || (key[0] === winnerKey[0] && (key[1] > winnerKey[1] || (key[1] === winnerKey[1] && key[2] > winnerKey[2])))) {
      winner = root;
      winnerKey = key;
    }
  }
  return winner;
}

/** The runs of the largest 6-connected component. */
export function largestComponentRuns(runs: RunSet, shape: Shape3): RunSet {
  const { rows, starts, ends, count } = runs;
  if (count === 0) return runs;
  const roots = runComponentRoots(runs, shape);
  const size = new Float64Array(count);
  for (let r = 0; r < count; r++) size[roots[r]] += ends[r] - starts[r];
  let best = 0;
  for (let r = 1; r < count; r++) if (size[r] > size[best]) best = r;
  best = breakSizeTie(runs, roots, size, best, shape);
  const keep = new RunBuilder();
  for (let r = 0; r < count; r++) if (roots[r] === best) keep.push(rows[r], starts[r], ends[r]);
  return {
    rows: keep.rows.subarray(0, keep.count),
    starts: keep.starts.subarray(0, keep.count),
    ends: keep.ends.subarray(0, keep.count),
    count: keep.count,
    voxels: size[best],
  };
}

/** Writes runs into a new binary mask of the given shape. */
export function runsToMask(runs: RunSet, shape: Shape3): Uint8Array {
  const mask = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let r = 0; r < runs.count; r++) mask.fill(1, runs.rows[r] * shape[2] + runs.starts[r], runs.rows[r] * shape[2] + runs.ends[r]);
  return mask;
}

/** The largest 6-connected component of a binary volume, as a new mask. */
export function largestComponent(mask: ArrayLike<number>, shape: Shape3): Uint8Array {
  return runsToMask(largestComponentRuns(foregroundRuns(mask, shape), shape), shape);
}

/**
 * The 6-connected components of a set of runs in the order the official codes rank them: `np.argsort(volumes)`
 * read from its end, i.e. by size, largest first, and among equal sizes the higher label first (SciPy / skimage
 * number labels by first voxel met in NumPy's C order of the file-order volume: x, then y, then z; see
 * `breakSizeTie`). Returns the roots (as `runComponentRoots` names them) of at most `count` components.
 */
export function componentsBySize(runs: RunSet, shape: Shape3, count: number): { roots: Int32Array; ranked: number[] } {
  const roots = runComponentRoots(runs, shape);
  const n1 = shape[1];
  const size = new Map<number, number>();
  const first = new Map<number, [number, number, number]>();
  const later = (a: readonly number[], b: readonly number[]) => a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2])));
  for (let r = 0; r < runs.count; r++) {
    const root = roots[r];
    size.set(root, (size.get(root) ?? 0) + runs.ends[r] - runs.starts[r]);
    const key: [number, number, number] = [runs.starts[r], runs.rows[r] % n1, Math.floor(runs.rows[r] / n1)];
    const seen = first.get(root);
    if (!seen || later(seen, key)) first.set(root, key);
  }
  const ranked = [...size.keys()].sort((a, b) => size.get(b)! - size.get(a)! || (later(first.get(a)!, first.get(b)!) ? -1 : 1));
  return { roots, ranked: ranked.slice(0, count) };
}

/** The runs of one component, given the roots of `runComponentRoots` / `componentsBySize`. */
export function componentRuns(runs: RunSet, roots: Int32Array, root: number): RunSet {
  const keep = new RunBuilder();
  let voxels = 0;
  for (let r = 0; r < runs.count; r++) {
    if (roots[r] !== root) continue;
    keep.push(runs.rows[r], runs.starts[r], runs.ends[r]);
    voxels += runs.ends[r] - runs.starts[r];
  }
  return { rows: keep.rows.subarray(0, keep.count), starts: keep.starts.subarray(0, keep.count), ends: keep.ends.subarray(0, keep.count), count: keep.count, voxels };
}
