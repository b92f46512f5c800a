/**
 * Linear resampling between two grids covering the same extent (the convention of scikit-image `resize` and
 * PyTorch `interpolate(align_corners=False)`): output voxel i of n' samples the input at (i + ½)·n/n' − ½,
 * clamped to the input. Going there and back again with the same sizes therefore lines the grids up exactly.
 * All volumes in file order (x fastest).
 */
import type { Triple } from './sliding-window.ts';

/** The grid size that covers the same extent at a new spacing (at least one voxel per axis). */
export function resampledSize(size: Triple, spacing: Triple, target: Triple): Triple {
  return [0, 1, 2].map((a) => Math.max(1, Math.round((size[a] * spacing[a]) / target[a]))) as unknown as Triple;
}

interface AxisTaps {
  readonly lower: Int32Array;
  readonly upper: Int32Array;
  readonly fraction: Float64Array;
}

function axisTaps(from: number, to: number): AxisTaps {
  const lower = new Int32Array(to);
  const upper = new Int32Array(to);
  const fraction = new Float64Array(to);
  for (let i = 0; i < to; i++) {
    const position = Math.min(Math.max((i + 0.5) * (from / to) - 0.5, 0), from - 1);
    const l = Math.floor(position);
    lower[i] = l;
    upper[i] = Math.min(l + 1, from - 1);
    fraction[i] = position - l;
  }
  return { lower, upper, fraction };
}

/** Calls `write(index, value)` for every output voxel, in file order, with its trilinear value. */
function eachResampled(source: ArrayLike<number>, from: Triple, to: Triple, write: (index: number, value: number) => void): void {
  const [tx, ty, tz] = [axisTaps(from[0], to[0]), axisTaps(from[1], to[1]), axisTaps(from[2], to[2])];
  const nx = from[0];
  const plane = from[0] * from[1];
  let index = 0;
  for (let k = 0; k < to[2]; k++) {
    const z0 = tz.lower[k] * plane;
    const z1 = tz.upper[k] * plane;
    const fz = tz.fraction[k];
    for (let j = 0; j < to[1]; j++) {
      const y0 = ty.lower[j] * nx;
      const y1 = ty.upper[j] * nx;
      const fy = ty.fraction[j];
      for (let i = 0; i < to[0]; i++, index++) {
        const x0 = tx.lower[i];
        const x1 = tx.upper[i];
        const fx = tx.fraction[i];
        const c00 = source[z0 + y0 + x0] * (1 - fx) + source[z0 + y0 + x1] * fx;
        const c01 = source[z0 + y1 + x0] * (1 - fx) + source[z0 + y1 + x1] * fx;
        const c10 = source[z1 + y0 + x0] * (1 - fx) + source[z1 + y0 + x1] * fx;
        const c11 = source[z1 + y1 + x0] * (1 - fx) + source[z1 + y1 + x1] * fx;
        write(index, (c00 * (1 - fy) + c01 * fy) * (1 - fz) + (c10 * (1 - fy) + c11 * fy) * fz);
      }
    }
  }
}

export function resampleLinear(source: ArrayLike<number>, from: Triple, to: Triple): Float32Array {
  const out = new Float32Array(to[0] * to[1] * to[2]);
  eachResampled(source, from, to, (index, value) => {
    out[index] = value;
  });
  return out;
}

/** The resampled volume thresholded on the fly (1 where the value is at least `level`), never held in full. */
export function resampleAtLeast(source: ArrayLike<number>, from: Triple, to: Triple, level: number): Uint8Array {
  const out = new Uint8Array(to[0] * to[1] * to[2]);
  eachResampled(source, from, to, (index, value) => {
    out[index] = value >= level ? 1 : 0;
  });
  return out;
}
