/**
 * What values a submitted mask holds. Masks are evaluated as `voxel > 0`; anything other than 0 and 1 is accepted
 * but reported, since it usually means a multi-label or probability map was sent by mistake. One linear pass. Pure.
 */
import type { VoxelArray } from '../../../evaluator/index.ts';

export interface LabelValues {
  /** Some value other than 0 and 1. */
  readonly nonBinary: boolean;
  readonly foregroundVoxels: number;
  readonly min: number;
  readonly max: number;
  /** Up to six distinct values, ascending. */
  readonly examples: number[];
  readonly moreValues: boolean;
}

const MAX_LISTED = 6;

export function labelValues(data: VoxelArray): LabelValues {
  let zeros = 0;
  let ones = 0;
  let foregroundVoxels = 0;
  let min = Infinity;
  let max = -Infinity;
  const others = new Set<number>();
  let moreValues = false;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (v === 0) {
      zeros++;
      continue;
    }
    if (v === 1) {
      ones++;
      continue;
    }
    if (v > 0) foregroundVoxels++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (others.size < MAX_LISTED) others.add(v);
    else if (!others.has(v)) moreValues = true;
  }
  foregroundVoxels += ones;
  for (const [count, value] of [[zeros, 0], [ones, 1]]) {
    if (!count) continue;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const distinct = [...(zeros ? [0] : []), ...(ones ? [1] : []), ...others].sort((a, b) => a - b);
  return {
    nonBinary: others.size > 0,
    foregroundVoxels,
    min: Number.isFinite(min) ? min : 0,
    max: Number.isFinite(max) ? max : 0,
    examples: distinct.slice(0, MAX_LISTED),
    moreValues: moreValues || distinct.length > MAX_LISTED,
  };
}

/** The warning sentence for a mask that is empty or not plain 0/1; undefined when there is nothing to say. */
export function labelWarning(values: LabelValues): string | undefined {
  if (values.foregroundVoxels === 0) return 'the mask is empty (no voxel > 0); it will score 0 on every metric';
  if (!values.nonBinary) return undefined;
  const listed = `${values.examples.join(', ')}${values.moreValues ? ', …' : ''}`;
  const negative = values.min < 0 ? '; negative values count as background' : '';
  return `labels are not binary (values ${listed} found, from ${values.min} to ${values.max}); every voxel > 0 is taken as airway${negative}`;
}
