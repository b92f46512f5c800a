/**
 * Surface extraction from a binary volume by naive surface nets (S. Gibson, "Constrained elastic surface nets",
 * MICCAI 1998; the form without relaxation popularised by M. Lysenko's "Smooth voxel terrain", 2012).
 *
 * Input: a volume in logical C order (voxel (i, j, k) at (i * n1 + j) * n2 + k, see `volume/shape.ts`); values
 * > 0 are inside, and everything beyond the array is outside (as if padded with one voxel of zeros).
 * Cells are the cubes between eight voxel centres: cell (a, b, c) has corners (a..a+1, b..b+1, c..c+1), with
 * a = -1..n0-1 (and so on), so a cell may reach one voxel past the array. Every face between an inside voxel and
 * an outside one gives one quad joining the four cells around it; each cell crossed by the surface gives one
 * vertex at the mean of the midpoints of its edges that join an inside and an outside corner.
 *
 * The result is the dual of the cuberille (the voxels' boundary faces): a closed surface (every edge in an even
 * number of triangles; exactly two where the inside is locally a 6-connected solid). Two voxels that share only an
 * edge or a corner give a non-manifold edge or vertex there, as in the cuberille. A single voxel gives a cube of 8
 * vertices at ±1/6 around its centre and 12 triangles. Quads are split along their shorter diagonal.
 *
 * Labels (optional): each vertex takes the most frequent label > 0 among its cell's inside corners (ties: the
 * smallest label), i.e. the label of the voxel it was made from.
 *
 * Cost: one scan of the volume plus O(boundary faces); memory O(vertices). The input is not modified.
 */
import type { Shape3 } from '../../../evaluator/index.ts';
import type { TriangleMesh } from '../../../contract/viewer/triangle-mesh.ts';

/** The four cells around a voxel face, in counter-clockwise order seen from outside the voxel. */
function faceCells(p: readonly number[], axis: number, direction: 1 | -1): number[][] {
  const u = (axis + 1) % 3;
  const w = (axis + 2) % 3; // e_u × e_w = e_axis
  const cell = (du: number, dw: number) => {
    const c = [0, 0, 0];
    c[axis] = direction > 0 ? p[axis] : p[axis] - 1;
    c[u] = p[u] + du;
    c[w] = p[w] + dw;
    return c;
  };
  const ring = [cell(-1, -1), cell(0, -1), cell(0, 0), cell(-1, 0)];
  return direction > 0 ? ring : [ring[0], ring[3], ring[2], ring[1]];
}

class GrowableUint32 {
  data = new Uint32Array(4096);
  length = 0;
  push4(a: number, b: number, c: number, d: number): void {
    if (this.length + 4 > this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
    this.data[this.length++] = d;
  }
}

export function surfaceNets(inside: ArrayLike<number>, shape: Shape3, labels?: ArrayLike<number>): TriangleMesh {
  const [n0, n1, n2] = shape;
  const isInside = (i: number, j: number, k: number) =>
    i >= 0 && j >= 0 && k >= 0 && i < n0 && j < n1 && k < n2 && inside[(i * n1 + j) * n2 + k] > 0;
  const cellKey = (c: number[]) => ((c[0] + 1) * (n1 + 1) + (c[1] + 1)) * (n2 + 1) + (c[2] + 1);
  const vertexOfCell = new Map<number, number>();
  const cells: number[][] = [];
  const vertexOf = (c: number[]) => {
    const key = cellKey(c);
    let v = vertexOfCell.get(key);
    if (v === undefined) {
      v = cells.length;
      vertexOfCell.set(key, v);
      cells.push(c);
    }
    return v;
  };
  const quads = new GrowableUint32();
  const p = [0, 0, 0];
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const row = (i * n1 + j) * n2;
      for (let k = 0; k < n2; k++) {
        if (!(inside[row + k] > 0)) continue;
        p[0] = i;
        p[1] = j;
        p[2] = k;
        for (let axis = 0; axis < 3; axis++) {
          for (const direction of [1, -1] as const) {
            const q = [i, j, k];
            q[axis] += direction;
            if (isInside(q[0], q[1], q[2])) continue;
            const [a, b, c, d] = faceCells(p, axis, direction).map(vertexOf);
            quads.push4(a, b, c, d);
          }
        }
      }
    }
  }
  const positions = cellPositions(cells, isInside);
  return {
    positions,
    triangles: splitQuads(quads.data.subarray(0, quads.length), positions),
    ...(labels ? { labels: cellLabels(cells, shape, inside, labels) } : {}),
  };
}

/** Each cell's vertex: the mean of the midpoints of its edges with one inside and one outside corner. */
function cellPositions(cells: number[][], isInside: (i: number, j: number, k: number) => boolean): Float32Array {
  const positions = new Float32Array(cells.length * 3);
  const corner = new Uint8Array(8);
  for (let v = 0; v < cells.length; v++) {
    const [a, b, c] = cells[v];
    for (let n = 0; n < 8; n++) corner[n] = isInside(a + (n & 1), b + ((n >> 1) & 1), c + ((n >> 2) & 1)) ? 1 : 0;
    let x = 0, y = 0, z = 0, crossings = 0;
    for (let n = 0; n < 8; n++) {
      for (const bit of [1, 2, 4]) {
        if (n & bit) continue; // each edge once, from its lower corner n to n | bit
        if (corner[n] === corner[n | bit]) continue;
        const m = n | bit;
        x += ((n & 1) + (m & 1)) / 2;
        y += (((n >> 1) & 1) + ((m >> 1) & 1)) / 2;
        z += (((n >> 2) & 1) + ((m >> 2) & 1)) / 2;
        crossings++;
      }
    }
    positions[3 * v] = a + x / crossings;
    positions[3 * v + 1] = b + y / crossings;
    positions[3 * v + 2] = c + z / crossings;
  }
  return positions;
}

/** The most frequent label > 0 among each cell's inside corners; ties go to the smallest label. */
function cellLabels(cells: number[][], shape: Shape3, inside: ArrayLike<number>, labels: ArrayLike<number>): Uint16Array {
  const [n0, n1, n2] = shape;
  const out = new Uint16Array(cells.length);
  const seen: number[] = [];
  for (let v = 0; v < cells.length; v++) {
    const [a, b, c] = cells[v];
    seen.length = 0;
    for (let n = 0; n < 8; n++) {
      const i = a + (n & 1), j = b + ((n >> 1) & 1), k = c + ((n >> 2) & 1);
      if (i < 0 || j < 0 || k < 0 || i >= n0 || j >= n1 || k >= n2) continue;
      const index = (i * n1 + j) * n2 + k;
      if (inside[index] > 0 && labels[index] > 0) seen.push(labels[index]);
    }
    let best = 0, bestCount = 0;
    for (const label of seen) {
      let count = 0;
      for (const other of seen) if (other === label) count++;
      if (count > bestCount || (count === bestCount && label < best)) {
        best = label;
        bestCount = count;
      }
    }
    out[v] = best;
  }
  return out;
}

/** Two triangles per quad, cut along the shorter diagonal; the quad's orientation is kept. */
function splitQuads(quads: Uint32Array, positions: Float32Array): Uint32Array {
  const triangles = new Uint32Array((quads.length / 4) * 6);
  const distance2 = (a: number, b: number) => {
    const dx = positions[3 * a] - positions[3 * b];
    const dy = positions[3 * a + 1] - positions[3 * b + 1];
    const dz = positions[3 * a + 2] - positions[3 * b + 2];
    return dx * dx + dy * dy + dz * dz;
  };
  for (let q = 0, t = 0; q < quads.length; q += 4, t += 6) {
    const [a, b, c, d] = [quads[q], quads[q + 1], quads[q + 2], quads[q + 3]];
    if (distance2(a, c) <= distance2(b, d)) triangles.set([a, b, c, a, c, d], t);
    else triangles.set([a, b, d, b, c, d], t);
  }
  return triangles;
}
