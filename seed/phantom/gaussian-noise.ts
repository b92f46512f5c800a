/**
 * Fast seeded Gaussian noise: 65,536 quantiles of the standard normal distribution (inverse CDF at the
 * mid-points of equal-probability bins, by Acklam's rational approximation refined with one Halley step), picked
 * by 16 random bits each — two values per 32-bit draw. Tails stop at ±4.3σ, which CT noise never needs beyond.
 */
import type { Random } from './random.ts';

const BINS = 65536;
let table: Float64Array | undefined;

function erfc(x: number): number {
  // Numerical Recipes erfcc (relative error < 1.2e-7)
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Acklam's inverse normal CDF with one Halley refinement. */
function inverseNormal(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

function normalTable(): Float64Array {
  if (!table) {
    table = new Float64Array(BINS);
    for (let i = 0; i < BINS; i++) table[i] = inverseNormal((i + 0.5) / BINS);
  }
  return table;
}

/** Adds N(0, sigma²) to every value. */
export function addGaussianNoise(values: Float32Array, sigma: number, random: Random): void {
  if (sigma <= 0) return;
  const normals = normalTable();
  for (let v = 0; v < values.length; v += 2) {
    const bits = Math.floor(random.next() * 4294967296);
    values[v] += sigma * normals[bits & 0xffff];
    if (v + 1 < values.length) values[v + 1] += sigma * normals[bits >>> 16];
  }
}
