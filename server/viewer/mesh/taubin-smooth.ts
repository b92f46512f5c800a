/**
 * Taubin's λ|μ smoothing (G. Taubin, "A signal processing approach to fair surface design", SIGGRAPH 1995):
 * alternating umbrella-operator steps p += λ·L(p) and p += μ·L(p), with L(p) the mean of a vertex's neighbours
 * minus the vertex, λ > 0 > μ and |μ| slightly above λ. It removes the voxel staircase (high frequencies) without
 * the shrinking of plain Laplacian smoothing. Defaults λ = 0.5, μ = -0.53 (pass-band k ≈ 0.1).
 *
 * Vertices are updated all at once per step (Jacobi order), so the result does not depend on vertex order. The
 * connectivity and labels are kept; the input is not modified.
 */
import type { TriangleMesh } from '../../../contract/viewer/triangle-mesh.ts';
import { vertexNeighbours } from './vertex-neighbours.ts';

export interface TaubinOptions {
  /** λ|μ pairs. */
  readonly iterations?: number;
  readonly lambda?: number;
  readonly mu?: number;
}

export function taubinSmooth(mesh: TriangleMesh, options: TaubinOptions = {}): TriangleMesh {
  const { iterations = 10, lambda = 0.5, mu = -0.53 } = options;
  const count = mesh.positions.length / 3;
  const { offsets, neighbours } = vertexNeighbours(count, mesh.triangles);
  let current = Float64Array.from(mesh.positions);
  let next = new Float64Array(current.length);
  const step = (factor: number) => {
    for (let v = 0; v < count; v++) {
      const from = offsets[v];
      const to = offsets[v + 1];
      for (let c = 0; c < 3; c++) {
        const here = current[3 * v + c];
        if (to === from) {
          next[3 * v + c] = here;
          continue;
        }
        let sum = 0;
        for (let n = from; n < to; n++) sum += current[3 * neighbours[n] + c];
        next[3 * v + c] = here + factor * (sum / (to - from) - here);
      }
    }
    [current, next] = [next, current];
  };
  for (let n = 0; n < iterations; n++) {
    step(lambda);
    step(mu);
  }
  return { ...mesh, positions: Float32Array.from(current) };
}
