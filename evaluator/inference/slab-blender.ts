/**
 * Gaussian-weighted blending of overlapping patch predictions in bounded memory.
 *
 * Each voxel's blended probability is Σ w·p / Σ w over the patches covering it. Because the weights are separable
 * (gaussian-weights.ts), Σ w is known in advance, so every contribution is normalised on arrival and the
 * accumulator only ever holds the final value's partial sums, in [0, 1]: it is stored as 16-bit fixed point
 * (1 = 65535; each contribution is rounded, so a voxel covered by k patches is off by at most k/2 units, about
 * 1e-5 per patch).
 *
 * The accumulator is a ring of `depth` = patch-z planes, not the whole volume: patches arrive z-start slowest
 * (sliding-window.ts), so when a patch starts at plane z0, every plane below z0 is final and is handed to
 * `onPlane` (in increasing z, each exactly once) and its slot reused. Memory: nx·ny·depth·2 bytes.
 */
import { axisCoverage, gaussianWeights } from './gaussian-weights.ts';
import type { SlidingWindowPlan } from './sliding-window.ts';

export const FIXED_ONE = 65535;

export type PlaneSink = (z: number, plane: Uint16Array) => void;

export class SlabBlender {
  private readonly nx: number;
  private readonly ny: number;
  private readonly nz: number;
  private readonly depth: number;
  private readonly ring: Uint16Array;
  /** Per axis: each patch position's weight. */
  private readonly weights: Float64Array[];
  /** Per axis: 1 / (sum of weights over the patches covering each position). */
  private readonly inverseCoverage: Float64Array[];
  private flushed = 0;
  private lastStartZ = 0;

  constructor(
    private readonly plan: SlidingWindowPlan,
    private readonly onPlane: PlaneSink,
    sigmaScale = 1 / 8,
  ) {
    [this.nx, this.ny, this.nz] = plan.size;
    this.depth = Math.min(plan.patch[2], this.nz);
    this.ring = new Uint16Array(this.nx * this.ny * this.depth);
    this.weights = [0, 1, 2].map((axis) => gaussianWeights(plan.patch[axis], sigmaScale));
    this.inverseCoverage = [0, 1, 2].map((axis) => {
      const coverage = axisCoverage(plan.size[axis], plan.starts[axis], this.weights[axis]);
      return coverage.map((c) => (c > 0 ? 1 / c : 0));
    });
  }

  /** Adds one patch's probabilities (patch file order, x fastest, the whole patch including any padding). */
  add(start: readonly [number, number, number], probabilities: Float32Array): void {
    const [x0, y0, z0] = start;
    const [px, py, pz] = this.plan.patch;
    if (z0 < this.lastStartZ) throw new RangeError(`SlabBlender: patch at z ${z0} after one at z ${this.lastStartZ}; patches must come z-start ascending`);
    this.lastStartZ = z0;
    this.flushBelow(z0);
    const [wx, wy, wz] = this.weights;
    const [cx, cy, cz] = this.inverseCoverage;
    const xEnd = Math.min(px, this.nx - x0);
    const yEnd = Math.min(py, this.ny - y0);
    const zEnd = Math.min(pz, this.nz - z0);
    const plane = this.nx * this.ny;
    for (let k = 0; k < zEnd; k++) {
      const z = z0 + k;
      const sz = wz[k] * cz[z] * FIXED_ONE;
      const slot = (z % this.depth) * plane;
      for (let j = 0; j < yEnd; j++) {
        const y = y0 + j;
        const syz = wy[j] * cy[y] * sz;
        const row = slot + y * this.nx + x0;
        const source = (k * py + j) * px;
        for (let i = 0; i < xEnd; i++) {
          const sum = this.ring[row + i] + Math.round(probabilities[source + i] * wx[i] * cx[x0 + i] * syz);
          this.ring[row + i] = sum > FIXED_ONE ? FIXED_ONE : sum;
        }
      }
    }
  }

  /** Hands over every plane not yet handed over; call once, after the last patch. */
  finish(): void {
    this.flushBelow(this.nz);
  }

  private flushBelow(z: number): void {
    const plane = this.nx * this.ny;
    for (; this.flushed < Math.min(z, this.nz); this.flushed++) {
      const slot = (this.flushed % this.depth) * plane;
      const view = this.ring.subarray(slot, slot + plane);
      this.onPlane(this.flushed, view);
      view.fill(0);
    }
  }
}
