/**
 * Error quadrics (M. Garland & P. Heckbert, "Surface simplification using quadric error metrics", SIGGRAPH 1997):
 * the sum of squared distances from a point to a set of planes, stored as the 10 distinct entries of a symmetric
 * 4×4 matrix [aa ab ac ad bb bc bd cc cd dd] for planes ax + by + cz + d = 0 with unit normals.
 */
export const QUADRIC_SIZE = 10;

/** Adds the plane through a, b, c (skipped when degenerate) to the quadric at `at` of `q`. */
export function addPlane(q: Float64Array, at: number, a: number[], b: number[], c: number[]): void {
  const ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
  const vx = c[0] - a[0], vy = c[1] - a[1], vz = c[2] - a[2];
  let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
  const length = Math.hypot(nx, ny, nz);
  if (length === 0) return;
  nx /= length;
  ny /= length;
  nz /= length;
  const d = -(nx * a[0] + ny * a[1] + nz * a[2]);
  q[at] += nx * nx;
  q[at + 1] += nx * ny;
  q[at + 2] += nx * nz;
  q[at + 3] += nx * d;
  q[at + 4] += ny * ny;
  q[at + 5] += ny * nz;
  q[at + 6] += ny * d;
  q[at + 7] += nz * nz;
  q[at + 8] += nz * d;
  q[at + 9] += d * d;
}

/** The error of point (x, y, z) under the sum of the quadrics at `i` and `j` of `q`. */
export function pairError(q: Float64Array, i: number, j: number, x: number, y: number, z: number): number {
  // no closures here: this runs millions of times
  return (
    (q[i] + q[j]) * x * x + 2 * (q[i + 1] + q[j + 1]) * x * y + 2 * (q[i + 2] + q[j + 2]) * x * z + 2 * (q[i + 3] + q[j + 3]) * x +
    (q[i + 4] + q[j + 4]) * y * y + 2 * (q[i + 5] + q[j + 5]) * y * z + 2 * (q[i + 6] + q[j + 6]) * y +
    (q[i + 7] + q[j + 7]) * z * z + 2 * (q[i + 8] + q[j + 8]) * z + (q[i + 9] + q[j + 9])
  );
}

/**
 * The point minimising the summed quadrics at `i` and `j`, written to `out`; false when the system is
 * ill-conditioned (flat or cylindrical neighbourhoods), in which case the caller picks among given points.
 */
export function pairMinimum(q: Float64Array, i: number, j: number, out: number[]): boolean {
  const a00 = q[i] + q[j], a01 = q[i + 1] + q[j + 1], a02 = q[i + 2] + q[j + 2];
  const a11 = q[i + 4] + q[j + 4], a12 = q[i + 5] + q[j + 5], a22 = q[i + 7] + q[j + 7];
  const b0 = -(q[i + 3] + q[j + 3]), b1 = -(q[i + 6] + q[j + 6]), b2 = -(q[i + 8] + q[j + 8]);
  const c00 = a11 * a22 - a12 * a12;
  const c01 = a02 * a12 - a01 * a22;
  const c02 = a01 * a12 - a02 * a11;
  const det = a00 * c00 + a01 * c01 + a02 * c02;
  const scale = (a00 + a11 + a22) / 3;
  if (!(Math.abs(det) > 1e-3 * scale * scale * scale)) return false;
  const c11 = a00 * a22 - a02 * a02;
  const c12 = a01 * a02 - a00 * a12;
  const c22 = a00 * a11 - a01 * a01;
  out[0] = (c00 * b0 + c01 * b1 + c02 * b2) / det;
  out[1] = (c01 * b0 + c11 * b1 + c12 * b2) / det;
  out[2] = (c02 * b0 + c12 * b1 + c22 * b2) / det;
  return true;
}
