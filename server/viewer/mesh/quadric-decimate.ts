/**
 * Mesh decimation by edge collapse under quadric error metrics (Garland & Heckbert 1997, see `quadrics.ts`):
 * collapse the edge whose merged vertex moves the surface least, until the triangle budget is met.
 *
 * An edge is collapsed only when the result stays a valid surface of the same topology:
 * - it is shared by exactly two triangles (non-manifold edges are kept);
 * - the link condition holds: the two endpoints have exactly those two triangles' third corners as common
 *   neighbours (H. Edelsbrunner; T. Dey et al. 1999), and the merged vertex keeps at least three neighbours;
 * - no remaining triangle around it turns by more than ~75° (no fold-overs);
 * - with labels, both endpoints carry the same label, so borders between branches stay where extraction put them.
 * A collapse is a simplicial map, so a closed surface stays closed. Orientation is kept.
 *
 * The merged vertex goes to the quadric's minimum when well conditioned and close to the edge, else to the
 * better of the endpoints and the midpoint. Ties are broken by the heap (deterministic for a given input).
 * Cost O(E log E); the input is not modified.
 */
import { EdgeHeap } from './edge-heap.ts';
import { addPlane, pairError, pairMinimum, QUADRIC_SIZE } from './quadrics.ts';
import type { TriangleMesh } from '../../../contract/viewer/triangle-mesh.ts';

export interface DecimateOptions {
  /** Stop once the mesh has at most this many triangles. */
  readonly targetTriangles: number;
  /** Stop before a collapse whose quadric error (sum of squared distances, in position units²) exceeds this. */
  readonly maxError?: number;
}

/** Smallest cosine allowed between a triangle's normal before and after a collapse. */
const MIN_NORMAL_COSINE = 0.25;

class CollapsibleMesh {
  readonly position: Float64Array;
  readonly corners: Int32Array;
  readonly triangleAlive: Uint8Array;
  readonly vertexAlive: Uint8Array;
  readonly stamp: Uint32Array;
  readonly quadric: Float64Array;
  readonly trianglesOf: number[][];
  readonly labels?: Uint16Array;
  aliveTriangles: number;
  private readonly mark: Int32Array;
  private readonly optimum = [0, 0, 0];
  private readonly normalBefore = [0, 0, 0];
  private readonly normalAfter = [0, 0, 0];
  private markRound = 0;

  constructor(mesh: TriangleMesh) {
    const vertices = mesh.positions.length / 3;
    const triangles = mesh.triangles.length / 3;
    this.position = Float64Array.from(mesh.positions);
    this.corners = Int32Array.from(mesh.triangles);
    this.triangleAlive = new Uint8Array(triangles).fill(1);
    this.vertexAlive = new Uint8Array(vertices).fill(1);
    this.stamp = new Uint32Array(vertices);
    this.quadric = new Float64Array(vertices * QUADRIC_SIZE);
    this.trianglesOf = Array.from({ length: vertices }, () => []);
    this.labels = mesh.labels;
    this.mark = new Int32Array(vertices);
    this.aliveTriangles = triangles;
    for (let t = 0; t < triangles; t++) {
      const [a, b, c] = [this.corners[3 * t], this.corners[3 * t + 1], this.corners[3 * t + 2]];
      for (const v of [a, b, c]) {
        this.trianglesOf[v].push(t);
        addPlane(this.quadric, v * QUADRIC_SIZE, this.point(a), this.point(b), this.point(c));
      }
    }
  }

  point(v: number): number[] {
    return [this.position[3 * v], this.position[3 * v + 1], this.position[3 * v + 2]];
  }

  neighbours(v: number): number[] {
    const round = ++this.markRound;
    const out: number[] = [];
    for (const t of this.trianglesOf[v]) {
      for (let c = 0; c < 3; c++) {
        const w = this.corners[3 * t + c];
        if (w !== v && this.mark[w] !== round) {
          this.mark[w] = round;
          out.push(w);
        }
      }
    }
    return out;
  }

  collapsible(u: number, v: number): boolean {
    return !this.labels || this.labels[u] === this.labels[v];
  }

  /** The merged vertex's position and error for collapsing u–v (hot: no closures or temporary arrays). */
  target(u: number, v: number, out: number[]): number {
    const q = this.quadric;
    const qu = u * QUADRIC_SIZE, qv = v * QUADRIC_SIZE;
    const pos = this.position;
    const ux = pos[3 * u], uy = pos[3 * u + 1], uz = pos[3 * u + 2];
    const vx = pos[3 * v], vy = pos[3 * v + 1], vz = pos[3 * v + 2];
    const mx = (ux + vx) / 2, my = (uy + vy) / 2, mz = (uz + vz) / 2;
    let best = pairError(q, qu, qv, mx, my, mz);
    let bx = mx, by = my, bz = mz;
    const atU = pairError(q, qu, qv, ux, uy, uz);
    if (atU < best) [best, bx, by, bz] = [atU, ux, uy, uz];
    const atV = pairError(q, qu, qv, vx, vy, vz);
    if (atV < best) [best, bx, by, bz] = [atV, vx, vy, vz];
    const o = this.optimum;
    if (pairMinimum(q, qu, qv, o)) {
      const edge2 = (ux - vx) ** 2 + (uy - vy) ** 2 + (uz - vz) ** 2;
      const atOptimum = pairError(q, qu, qv, o[0], o[1], o[2]);
      const near = (o[0] - mx) ** 2 + (o[1] - my) ** 2 + (o[2] - mz) ** 2 <= edge2;
      if (near && atOptimum < best) [best, bx, by, bz] = [atOptimum, o[0], o[1], o[2]];
    }
    out[0] = bx;
    out[1] = by;
    out[2] = bz;
    return Math.max(best, 0);
  }

  /** Whether collapsing v into u at position p keeps a valid surface (see the header). */
  canCollapse(u: number, v: number, p: number[]): boolean {
    const shared: number[] = [];
    for (const t of this.trianglesOf[u]) if (this.hasCorner(t, v)) shared.push(t);
    if (shared.length !== 2) return false;
    const opposite0 = this.thirdCorner(shared[0], u, v);
    const opposite1 = this.thirdCorner(shared[1], u, v);
    const aroundU = this.neighbours(u);
    const aroundV = this.neighbours(v);
    const round = ++this.markRound;
    for (const w of aroundU) this.mark[w] = round;
    let common = 0;
    for (const w of aroundV) {
      if (w === u || this.mark[w] !== round) continue;
      if (w !== opposite0 && w !== opposite1) return false;
      common++;
    }
    if (common !== 2 || aroundU.length + aroundV.length - common - 2 < 3) return false;
    return this.keepsOrientation(u, p, v) && this.keepsOrientation(v, p, u);
  }

  /** No triangle of `moved` that survives the collapse (does not contain `other`) turns too far. */
  private keepsOrientation(moved: number, p: number[], other: number): boolean {
    const pos = this.position;
    for (const t of this.trianglesOf[moved]) {
      if (this.hasCorner(t, other)) continue;
      // rotate the corners so that `moved` comes first; the normal is the same
      let a = this.corners[3 * t], b = this.corners[3 * t + 1], c = this.corners[3 * t + 2];
      if (b === moved) [a, b, c] = [b, c, a];
      else if (c === moved) [a, b, c] = [c, a, b];
      const bx = pos[3 * b], by = pos[3 * b + 1], bz = pos[3 * b + 2];
      const cx = pos[3 * c], cy = pos[3 * c + 1], cz = pos[3 * c + 2];
      const before = normalOf(pos[3 * a], pos[3 * a + 1], pos[3 * a + 2], bx, by, bz, cx, cy, cz, this.normalBefore);
      const after = normalOf(p[0], p[1], p[2], bx, by, bz, cx, cy, cz, this.normalAfter);
      const dot = before[0] * after[0] + before[1] * after[1] + before[2] * after[2];
      const lengths = Math.hypot(before[0], before[1], before[2]) * Math.hypot(after[0], after[1], after[2]);
      if (!(lengths > 0) || dot < MIN_NORMAL_COSINE * lengths) return false;
    }
    return true;
  }

  collapse(u: number, v: number, p: number[]): void {
    this.position.set(p, 3 * u);
    for (let n = 0; n < QUADRIC_SIZE; n++) this.quadric[u * QUADRIC_SIZE + n] += this.quadric[v * QUADRIC_SIZE + n];
    for (const t of this.trianglesOf[v]) {
      if (this.hasCorner(t, u)) {
        this.triangleAlive[t] = 0;
        this.aliveTriangles--;
        for (let c = 0; c < 3; c++) {
          const w = this.corners[3 * t + c];
          if (w !== v) removeItem(this.trianglesOf[w], t);
        }
      } else {
        for (let c = 0; c < 3; c++) if (this.corners[3 * t + c] === v) this.corners[3 * t + c] = u;
        this.trianglesOf[u].push(t);
      }
    }
    this.trianglesOf[v] = [];
    this.vertexAlive[v] = 0;
    this.stamp[u]++;
  }

  private hasCorner(t: number, v: number): boolean {
    return this.corners[3 * t] === v || this.corners[3 * t + 1] === v || this.corners[3 * t + 2] === v;
  }

  private thirdCorner(t: number, u: number, v: number): number {
    for (let c = 0; c < 3; c++) {
      const w = this.corners[3 * t + c];
      if (w !== u && w !== v) return w;
    }
    return -1;
  }

  /** The surviving vertices and triangles, renumbered in their original order. */
  compact(): TriangleMesh {
    const index = new Int32Array(this.vertexAlive.length).fill(-1);
    let vertices = 0;
    for (let v = 0; v < index.length; v++) if (this.vertexAlive[v] && this.trianglesOf[v].length > 0) index[v] = vertices++;
    const positions = new Float32Array(3 * vertices);
    const labels = this.labels ? new Uint16Array(vertices) : undefined;
    for (let v = 0; v < index.length; v++) {
      if (index[v] < 0) continue;
      positions.set(this.point(v), 3 * index[v]);
      if (labels) labels[index[v]] = this.labels![v];
    }
    const triangles = new Uint32Array(3 * this.aliveTriangles);
    let n = 0;
    for (let t = 0; t < this.triangleAlive.length; t++) {
      if (!this.triangleAlive[t]) continue;
      for (let c = 0; c < 3; c++) triangles[n++] = index[this.corners[3 * t + c]];
    }
    return { positions, triangles, ...(labels ? { labels } : {}) };
  }
}

function normalOf(ax: number, ay: number, az: number, bx: number, by: number, bz: number, cx: number, cy: number, cz: number, out: number[]): number[] {
  const ux = bx - ax, uy = by - ay, uz = bz - az;
  const vx = cx - ax, vy = cy - ay, vz = cz - az;
  out[0] = uy * vz - uz * vy;
  out[1] = uz * vx - ux * vz;
  out[2] = ux * vy - uy * vx;
  return out;
}

function removeItem(list: number[], item: number): void {
  const at = list.indexOf(item);
  if (at < 0) return;
  list[at] = list[list.length - 1];
  list.pop();
}

export function decimate(mesh: TriangleMesh, options: DecimateOptions): TriangleMesh {
  const maxError = options.maxError ?? Infinity;
  const work = new CollapsibleMesh(mesh);
  if (work.aliveTriangles <= options.targetTriangles) return work.compact();
  const heap = new EdgeHeap();
  const p = [0, 0, 0];
  const offer = (u: number, v: number) => {
    if (!work.collapsible(u, v)) return;
    heap.push(work.target(u, v, p), u, v, work.stamp[u], work.stamp[v]);
  };
  const triangles = mesh.triangles;
  for (let t = 0; t < triangles.length; t += 3) {
    for (let c = 0; c < 3; c++) {
      const u = triangles[t + c];
      const v = triangles[t + ((c + 1) % 3)];
      if (u < v) offer(u, v);
    }
  }
  const entry = [0, 0, 0, 0, 0];
  while (work.aliveTriangles > options.targetTriangles && heap.pop(entry)) {
    const [cost, u, v, stampU, stampV] = entry;
    if (cost > maxError) break;
    if (!work.vertexAlive[u] || !work.vertexAlive[v] || work.stamp[u] !== stampU || work.stamp[v] !== stampV) continue;
    work.target(u, v, p);
    if (!work.canCollapse(u, v, p)) continue;
    work.collapse(u, v, p);
    for (const w of work.neighbours(u)) offer(u, w);
  }
  return work.compact();
}
