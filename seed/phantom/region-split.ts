/**
 * The region a branch supplies, as indices into its lung's sample points (x, y, z interleaved): its centroid,
 * and its division in two by a plane (Kitaoka's space-dividing plane).
 */
import type { Vec3 } from './vec3.ts';

export function centroid(points: Float64Array, region: ArrayLike<number>): Vec3 {
  let x = 0;
  let y = 0;
  let z = 0;
  for (let i = 0; i < region.length; i++) {
    const p = region[i] * 3;
    x += points[p];
    y += points[p + 1];
    z += points[p + 2];
  }
  const n = Math.max(1, region.length);
  return [x / n, y / n, z / n];
}

/** Splits a region by the plane through `origin` with `normal`, moving it so the smaller side holds ≥ minShare. */
export function divide(points: Float64Array, region: Int32Array, origin: Vec3, normal: Vec3, minShare: number): [Int32Array, Int32Array] {
  const n = region.length;
  const signed = new Float64Array(n);
  let positive = 0;
  for (let i = 0; i < n; i++) {
    const p = region[i] * 3;
    signed[i] = (points[p] - origin[0]) * normal[0] + (points[p + 1] - origin[1]) * normal[1] + (points[p + 2] - origin[2]) * normal[2];
    if (signed[i] >= 0) positive++;
  }
  const needed = Math.ceil(minShare * n);
  let threshold = 0;
  if (Math.min(positive, n - positive) < needed) {
    const sorted = Float64Array.from(signed).sort();
    // the minor side keeps its sign; the plane moves into the major side
    const cut = positive < n - positive ? n - needed : needed;
    threshold = (sorted[cut - 1] + sorted[cut]) / 2;
  }
  const above: number[] = [];
  const below: number[] = [];
  for (let i = 0; i < n; i++) (signed[i] >= threshold ? above : below).push(region[i]);
  return [Int32Array.from(above), Int32Array.from(below)];
}
