/**
 * Does an image lie on the same voxel grid as a reference (a case's CT or gold standard)? Size must match
 * exactly; spacing, origin and direction within a tolerance, since files written by different tools round
 * geometry differently (NIfTI stores float32). Used by the evaluator before scoring and by the platform at
 * upload, so both say the same thing. A candidate whose geometry holds NaN or infinity never matches (such a
 * header would otherwise slip through, as every comparison with NaN is false).
 */
import { describeSize, type ImageGeometry } from './image-volume.ts';

export interface GeometryTolerance {
  /** Relative difference allowed in each spacing. */
  readonly spacingRelative: number;
  /** Origin distance allowed per axis, as a fraction of the smallest voxel size. */
  readonly originVoxelFraction: number;
  /** Absolute difference allowed in each direction cosine. */
  readonly direction: number;
}

export const DEFAULT_GEOMETRY_TOLERANCE: GeometryTolerance = {
  spacingRelative: 1e-3,
  originVoxelFraction: 0.1,
  direction: 1e-3,
};

const fmt = (values: readonly number[]) => values.map((v) => Number(v.toFixed(4))).join(', ');

/**
 * The differences, one sentence each, naming the reference (e.g. "the CT", "the gold standard"); empty when the
 * grids agree.
 */
export function geometryMismatches(
  reference: ImageGeometry,
  candidate: ImageGeometry,
  referenceName: string,
  tolerance: GeometryTolerance = DEFAULT_GEOMETRY_TOLERANCE,
): string[] {
  const problems: string[] = [];
  // NaN and ±Inf compare false with everything, so without this a broken header would pass every test below
  const broken = (['spacing', 'origin', 'direction'] as const).filter((key) => candidate[key].some((v) => !Number.isFinite(v)));
  if (broken.length) {
    problems.push(`${broken.join(', ')} hold${broken.length === 1 ? 's' : ''} a value that is not a finite number (NaN or infinity): the file's geometry is broken`);
    return problems;
  }
  if (reference.size.some((n, a) => n !== candidate.size[a])) {
    problems.push(`size ${describeSize(candidate.size)} does not match ${referenceName}'s ${describeSize(reference.size)}`);
    return problems;
  }
  const spacingOff = reference.spacing.some(
    (s, a) => Math.abs(s - candidate.spacing[a]) > tolerance.spacingRelative * Math.max(Math.abs(s), 1e-9),
  );
  if (spacingOff) {
    problems.push(`spacing (${fmt(candidate.spacing)}) mm does not match ${referenceName}'s (${fmt(reference.spacing)}) mm`);
  }
  const originTolerance = tolerance.originVoxelFraction * Math.min(...reference.spacing.map(Math.abs));
  if (reference.origin.some((o, a) => Math.abs(o - candidate.origin[a]) > originTolerance)) {
    problems.push(`origin (${fmt(candidate.origin)}) mm does not match ${referenceName}'s (${fmt(reference.origin)}) mm`);
  }
  if (reference.direction.some((d, n) => Math.abs(d - candidate.direction[n]) > tolerance.direction)) {
    problems.push(
      `direction (${fmt(candidate.direction)}) does not match ${referenceName}'s (${fmt(reference.direction)})`,
    );
  }
  return problems;
}
