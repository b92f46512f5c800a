/**
 * Separable Gaussian smoothing of a volume in place (file order, x fastest), one axis at a time; the edge value
 * is repeated beyond the border. Sigma per axis in voxels; an axis with sigma below 0.1 is left alone. Kernel
 * radius ⌈3σ⌉. The y and z passes work on whole rows (a copy of one plane at a time) so the inner loops run
 * over contiguous memory.
 */
import type { Triple } from './phantom-options.ts';

function kernel(sigma: number): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += weights[i + radius] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return weights;
}

/** Smooths n rows of `rowLength` values held in `plane` (row i at i * rowLength) along the row index into `data`. */
function smoothRows(data: Float32Array, plane: Float32Array, n: number, rowLength: number, outBase: (i: number) => number, weights: Float64Array, acc: Float32Array): void {
  const radius = (weights.length - 1) / 2;
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let k = -radius; k <= radius; k++) {
      const j = i + k < 0 ? 0 : i + k >= n ? n - 1 : i + k;
      const w = weights[k + radius];
      const source = j * rowLength;
      for (let x = 0; x < rowLength; x++) acc[x] += w * plane[source + x];
    }
    data.set(acc, outBase(i));
  }
}

/** Smooths every x-line; the border taps repeat the edge value, the interior runs without checks. */
function smoothLines(data: Float32Array, nx: number, weights: Float64Array): void {
  const radius = (weights.length - 1) / 2;
  const line = new Float32Array(nx + 2 * radius);
  for (let base = 0; base < data.length; base += nx) {
    line.set(data.subarray(base, base + nx), radius);
    for (let i = 0; i < radius; i++) {
      line[i] = data[base];
      line[radius + nx + i] = data[base + nx - 1];
    }
    for (let i = 0; i < nx; i++) {
      let value = 0;
      for (let k = 0; k < weights.length; k++) value += weights[k] * line[i + k];
      data[base + i] = value;
    }
  }
}

export function gaussianBlur(data: Float32Array, size: Triple, sigma: Triple): void {
  const [nx, ny, nz] = size;
  if (sigma[0] >= 0.1) smoothLines(data, nx, kernel(sigma[0]));
  if (sigma[1] >= 0.1) {
    const weights = kernel(sigma[1]);
    const plane = new Float32Array(nx * ny);
    const acc = new Float32Array(nx);
    for (let z = 0; z < nz; z++) {
      const slice = z * nx * ny;
      plane.set(data.subarray(slice, slice + nx * ny));
      smoothRows(data, plane, ny, nx, (y) => slice + y * nx, weights, acc);
    }
  }
  if (sigma[2] >= 0.1) {
    const weights = kernel(sigma[2]);
    const plane = new Float32Array(nx * nz);
    const acc = new Float32Array(nx);
    for (let y = 0; y < ny; y++) {
      // the x-z plane at this y: row z is the x-line (y, z)
      for (let z = 0; z < nz; z++) plane.set(data.subarray(nx * (y + ny * z), nx * (y + ny * z) + nx), z * nx);
      smoothRows(data, plane, nz, nx, (z) => nx * (y + ny * z), weights, acc);
    }
  }
}
