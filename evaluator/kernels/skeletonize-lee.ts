/**
 * 3D medial-axis thinning (skeletonization) of a binary volume.
 *
 * Algorithm: T.-C. Lee, R. L. Kashyap and C.-N. Chu, "Building skeleton models via 3-D medial surface/axis thinning
 * algorithms", CVGIP: Graphical Models and Image Processing 56(6):462–478, 1994 — in the form of ITK's
 * BinaryThinningImageFilter3D (H. Homann) / Fiji's Skeletonize3D (I. Arganda-Carreras), as ported by scikit-image.
 *
 * This kernel matches scikit-image 0.19 `skimage.morphology.skeletonize_3d` voxel for voxel. It follows
 * `skimage/morphology/_skeletonize_3d_cy.pyx.in` (C++-vector version, identical algorithm to the 0.19 release) and
 * the wrapper `skeletonize_3d` in `skimage/morphology/_skeletonize.py`:
 *  - the volume is padded by one background voxel on every side;
 *  - passes cycle over six border directions in the fixed order W, E, S, N, U, B (see `BORDER_ORDER`), four only
 *    when the first axis has length 1; the loop stops after a full cycle in which no direction deleted anything;
 *  - for one direction, all foreground voxels whose neighbour in that direction is background and which are not
 *    end points, are Euler invariant (Lee's δG26 table) and are simple (octree labelling) are collected in C scan
 *    order; then they are re-checked sequentially in that order against the current volume, with the simple-point
 *    test only, and deleted when it passes.
 * Later scikit-image releases (2025, PR #7718) changed the direction order and the re-check; this file deliberately
 * keeps the 0.19 behaviour (which, for instance, erases bars of even width entirely).
 *
 * Index order: logical C order (see `evaluator/volume/shape.ts`). Voxel (i, j, k) of a [n0, n1, n2] volume is at
 * (i * n1 + j) * n2 + k; i is the Cython code's `p` (plane), j its `r` (row), k its `c` (column).
 *
 * Complexity: O(N) memory for the padded copy (N = (n0 + 2)(n1 + 2)(n2 + 2) bytes) plus 8 bytes per foreground voxel;
 * time O(N + T · F) where F is the number of foreground voxels and T the number of passes (about six times the
 * largest inscribed radius). Each pass walks a sorted list of the surviving foreground voxels instead of the whole
 * volume, which visits the same voxels in the same C order as the original full scan.
 */
import type { Shape3 } from '../volume/shape.ts';

// ---------------------------------------------------------------------------------------------------------------
// Neighbourhood numbering (skimage's `get_neighborhood`, consistent with Fiji): for offsets dp, dr, dc ∈ {-1, 0, 1}
// along (i, j, k), the neighbour is number 9 * (dp + 1) + 3 * (dc + 1) + (dr + 1). Note that the row offset varies
// fastest and the column offset second; number 13 is the centre.
// ---------------------------------------------------------------------------------------------------------------

/** Offsets [di, dj, dk] of the 27 neighbourhood positions, in skimage's numbering. */
const NEIGHBOUR_OFFSETS: ReadonlyArray<readonly [number, number, number]> = (() => {
  const offsets: Array<[number, number, number]> = [];
  for (let n = 0; n < 27; n++) {
    const dp = Math.floor(n / 9) - 1;
    const dc = (Math.floor(n / 3) % 3) - 1;
    const dr = (n % 3) - 1;
    offsets.push([dp, dr, dc]);
  }
  return offsets;
})();

/**
 * The six border directions, as the offset [di, dj, dk] of the neighbour that must be background, in the order in
 * which skimage 0.19 visits them: its border codes [4, 3, 2, 1, 5, 6] = W (r - 1), E (r + 1), S (c + 1),
 * N (c - 1), U (p + 1), B (p - 1).
 */
const BORDER_ORDER: ReadonlyArray<readonly [number, number, number]> = [
  [0, -1, 0], // 4: W
  [0, 1, 0], // 3: E
  [0, 0, 1], // 2: S
  [0, 0, -1], // 1: N
  [1, 0, 0], // 5: U
  [-1, 0, 0], // 6: B
];

/**
 * Lee's Table 2, column δG26, for odd octant codes only: `EULER_LUT[m]` is the Euler characteristic change for
 * octant code n = 2m + 1 (the centre voxel always sets bit 0). Even codes never occur.
 */
const EULER_LUT = new Int8Array([
  1, -1, -1, 1, -3, -1, -1, 1, -1, 1, 1, -1, 3, 1, 1, -1, -3, -1, 3, 1, 1, -1, 3, 1, -1, 1, 1, -1, 3, 1, 1, -1,
  -3, 3, -1, 1, 1, 3, -1, 1, -1, 1, 1, -1, 3, 1, 1, -1, 1, 3, 3, 1, 5, 3, 3, 1, -1, 1, 1, -1, 3, 1, 1, -1,
  -7, -1, -1, 1, -3, -1, -1, 1, -1, 1, 1, -1, 3, 1, 1, -1, -3, -1, 3, 1, 1, -1, 3, 1, -1, 1, 1, -1, 3, 1, 1, -1,
  -3, 3, -1, 1, 1, 3, -1, 1, -1, 1, 1, -1, 3, 1, 1, -1, 1, 3, 3, 1, 5, 3, 3, 1, -1, 1, 1, -1, 3, 1, 1, -1,
]);

/**
 * For each of the eight octants (NEB, NWB, SEB, SWB, NEU, NWU, SEU, SWU), the seven non-centre neighbours that form
 * it, in bit order: the t-th listed neighbour sets bit 7 - t of the octant code (bit 6 - t of the half code used to
 * index `EULER_LUT`).
 */
const EULER_OCTANTS = new Uint8Array([
  2, 1, 11, 10, 5, 4, 14, // NEB
  0, 9, 3, 12, 1, 10, 4, // NWB
  8, 7, 17, 16, 5, 4, 14, // SEB
  6, 15, 7, 16, 3, 12, 4, // SWB
  20, 23, 19, 22, 11, 14, 10, // NEU
  18, 21, 9, 12, 19, 22, 10, // NWU
  26, 23, 17, 14, 25, 22, 16, // SEU
  24, 25, 15, 16, 21, 22, 12, // SWU
]);

/**
 * The octree used for connected-component labelling of the 26 neighbours (skimage's `octree_labeling`). Positions
 * here are in the 26-element "cube" numbering, i.e. the neighbourhood numbering with the centre (13) removed
 * (numbers above 13 shift down by one). Octants are numbered 1..8. For each octant: its seven cube positions and,
 * for each position, the other octants that share it (to which the labelling recurses).
 */
const OCTREE: ReadonlyArray<readonly [readonly number[], ReadonlyArray<readonly number[]>]> = [
  [[0, 1, 3, 4, 9, 10, 12], [[], [2], [3], [2, 3, 4], [5], [2, 5, 6], [3, 5, 7]]],
  [[1, 4, 10, 2, 5, 11, 13], [[1], [1, 3, 4], [1, 5, 6], [], [4], [6], [4, 6, 8]]],
  [[3, 4, 12, 6, 7, 14, 15], [[1], [1, 2, 4], [1, 5, 7], [], [4], [7], [4, 7, 8]]],
  [[4, 5, 13, 7, 15, 8, 16], [[1, 2, 3], [2], [2, 6, 8], [3], [3, 7, 8], [], [8]]],
  [[9, 10, 12, 17, 18, 20, 21], [[1], [1, 2, 6], [1, 3, 7], [], [6], [7], [6, 7, 8]]],
  [[10, 11, 13, 18, 21, 19, 22], [[1, 2, 5], [2], [2, 4, 8], [5], [5, 7, 8], [], [8]]],
  [[12, 14, 15, 20, 21, 23, 24], [[1, 3, 5], [3], [3, 4, 8], [5], [5, 6, 8], [], [8]]],
  [[13, 15, 16, 21, 22, 24, 25], [[2, 4, 6], [3, 4, 7], [4], [5, 6, 7], [6], [7], []]],
];

/** `OCTREE` flattened: cube position of slot (octant - 1) * 7 + t. */
const OCTREE_POSITIONS = new Uint8Array(56);
/** `OCTREE` flattened: octants to recurse into for slot s are OCTREE_NEXT[OCTREE_NEXT_START[s] .. [s + 1]). */
const OCTREE_NEXT_START = new Uint8Array(57);
const OCTREE_NEXT: Uint8Array = (() => {
  const next: number[] = [];
  for (let o = 0; o < 8; o++) {
    const [positions, recurse] = OCTREE[o];
    for (let t = 0; t < 7; t++) {
      const slot = o * 7 + t;
      OCTREE_POSITIONS[slot] = positions[t];
      OCTREE_NEXT_START[slot] = next.length;
      next.push(...recurse[t]);
    }
  }
  OCTREE_NEXT_START[56] = next.length;
  return new Uint8Array(next);
})();

/** Octant (1..8) from which skimage starts labelling a component whose first voxel is cube position i. */
const START_OCTANT: Uint8Array = (() => {
  const start = new Uint8Array(26);
  const groups: ReadonlyArray<readonly number[]> = [
    [0, 1, 3, 4, 9, 10, 12],
    [2, 5, 11, 13],
    [6, 7, 14, 15],
    [8, 16],
    [17, 18, 20, 21],
    [19, 22],
    [23, 24],
    [25],
  ];
  groups.forEach((members, o) => {
    for (const i of members) start[i] = o + 1;
  });
  return start;
})();

// ---------------------------------------------------------------------------------------------------------------
// Local tests on a 27-voxel neighbourhood (values 0/1, skimage numbering).
// ---------------------------------------------------------------------------------------------------------------

/** End point: exactly one foreground neighbour besides the centre. */
function isEndPoint(neighbours: Uint8Array): boolean {
  let sum = 0;
  for (let n = 0; n < 27; n++) sum += neighbours[n];
  return sum === 2;
}

/** Lee's condition 1: deleting the centre leaves the (26-connected) Euler characteristic unchanged. */
export function isEulerInvariant(neighbours: Uint8Array): boolean {
  let euler = 0;
  for (let o = 0; o < 8; o++) {
    let half = 0; // octant code n = 2 * half + 1
    const base = o * 7;
    for (let t = 0; t < 7; t++) {
      if (neighbours[EULER_OCTANTS[base + t]] === 1) half |= 1 << (6 - t);
    }
    euler += EULER_LUT[half];
  }
  return euler === 0;
}

/** Scratch copy of the 26 neighbours for `isSimplePoint`'s labelling. */
const cube = new Uint8Array(26);

function octreeLabel(octant: number, label: number): void {
  const first = (octant - 1) * 7;
  for (let slot = first; slot < first + 7; slot++) {
    const position = OCTREE_POSITIONS[slot];
    if (cube[position] !== 1) continue;
    cube[position] = label;
    const end = OCTREE_NEXT_START[slot + 1];
    for (let q = OCTREE_NEXT_START[slot]; q < end; q++) octreeLabel(OCTREE_NEXT[q], label);
  }
}

/**
 * Lee's conditions 2 and 3 as implemented by ITK/skimage ("N(v)_labeling"): the foreground neighbours, without the
 * centre, form at most one 26-connected component.
 */
export function isSimplePoint(neighbours: Uint8Array): boolean {
  for (let n = 0; n < 13; n++) cube[n] = neighbours[n];
  for (let n = 13; n < 26; n++) cube[n] = neighbours[n + 1];
  let label = 2;
  for (let i = 0; i < 26; i++) {
    if (cube[i] !== 1) continue;
    octreeLabel(START_OCTANT[i], label);
    label += 1;
    if (label - 2 >= 2) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Thinning.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Skeleton of a binary volume (any nonzero voxel is foreground), identical to scikit-image 0.19
 * `skeletonize_3d(mask)` (up to the output value: 1 here, the input's maximum there). Voxels outside the array are
 * background. The input is not modified.
 */
export function skeletonizeLee(mask: Uint8Array, shape: Shape3): Uint8Array {
  const [n0, n1, n2] = shape;
  for (const n of shape) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`skeletonizeLee: invalid shape [${shape.join(', ')}]`);
  }
  if (mask.length !== n0 * n1 * n2) {
    throw new RangeError(
      `skeletonizeLee: mask has ${mask.length} voxels, shape [${shape.join(', ')}] needs ${n0 * n1 * n2}`,
    );
  }
  const out = new Uint8Array(mask.length);
  if (mask.length === 0) return out;

  // Padded copy, values 0/1.
  const m1 = n1 + 2;
  const m2 = n2 + 2;
  const s0 = m1 * m2; // stride of i in the padded volume
  const s1 = m2; // stride of j
  const paddedSize = (n0 + 2) * s0;
  if (paddedSize > 0x7fffffff) throw new RangeError('skeletonizeLee: volume too large');
  const img = new Uint8Array(paddedSize);

  // Foreground voxels (padded indices), ascending = C scan order.
  let count = 0;
  for (let q = 0; q < mask.length; q++) if (mask[q] !== 0) count++;
  const list = new Int32Array(count);
  count = 0;
  for (let i = 0, q = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const rowBase = (i + 1) * s0 + (j + 1) * s1 + 1;
      for (let k = 0; k < n2; k++, q++) {
        if (mask[q] !== 0) {
          img[rowBase + k] = 1;
          list[count++] = rowBase + k;
        }
      }
    }
  }

  const neighbourOffset = new Int32Array(27);
  NEIGHBOUR_OFFSETS.forEach(([di, dj, dk], n) => {
    neighbourOffset[n] = di * s0 + dj * s1 + dk;
  });
  const borderOffset = BORDER_ORDER.map(([di, dj, dk]) => di * s0 + dj * s1 + dk);
  // skimage: only four directions when the padded first axis has length 3 (2D images).
  const numBorders = n0 === 1 ? 4 : 6;

  const neighbours = new Uint8Array(27);
  const gather = (v: number): void => {
    for (let n = 0; n < 27; n++) neighbours[n] = img[v + neighbourOffset[n]];
  };
  const candidates = new Int32Array(count);

  let unchangedBorders = 0;
  while (unchangedBorders < numBorders) {
    unchangedBorders = 0;
    for (let b = 0; b < numBorders; b++) {
      const towards = borderOffset[b];

      // 1. Collect the deletable border voxels of this direction, in scan order, on the unmodified volume.
      let numCandidates = 0;
      for (let t = 0; t < count; t++) {
        const v = list[t];
        if (img[v + towards] !== 0) continue;
        gather(v);
        if (isEndPoint(neighbours) || !isEulerInvariant(neighbours) || !isSimplePoint(neighbours)) continue;
        candidates[numCandidates++] = v;
      }

      // 2. Sequential re-check, simple-point test only (as in skimage 0.19), against the current volume.
      let changed = false;
      for (let t = 0; t < numCandidates; t++) {
        const v = candidates[t];
        gather(v);
        if (isSimplePoint(neighbours)) {
          img[v] = 0;
          changed = true;
        }
      }

      if (changed) {
        let kept = 0;
        for (let t = 0; t < count; t++) {
          const v = list[t];
          if (img[v] === 1) list[kept++] = v;
        }
        count = kept;
      } else {
        unchangedBorders += 1;
      }
    }
  }

  // Crop the padding.
  for (let t = 0; t < count; t++) {
    const v = list[t];
    const k = (v % s1) - 1;
    const rest = (v - k - 1) / s1;
    const j = (rest % m1) - 1;
    const i = (rest - j - 1) / m1 - 1;
    out[(i * n1 + j) * n2 + k] = 1;
  }
  return out;
}
