/**
 * The viewer's surfaces, as one ordered list of stages each: extract (surface nets on a crop) → smooth (Taubin)
 * → decimate (quadric edge collapse) to a triangle budget → place in the scan's physical space. Smoothing and
 * decimation work in millimetres along the scan's axes, so distances are true whatever the voxel spacing.
 *
 * - `goldSurface`: the boundary of G with each vertex's branch label (the gold voxel it was made from), the
 *   refined branches or AIIB23's unrefined segments;
 * - `leakageSurface`: the boundary of L \ G, L being the prediction's largest 6-connected component.
 * Both are in LPS millimetres, the CT's space, so the client can draw them over the slices.
 */
import {
  boundingCrop,
  leakageRuns,
  runsToCropMask,
  StageClock,
  type ImageGeometry,
  type PreparedGold,
  type RunSet,
  type Shape3,
  type StageTiming,
} from '../../../evaluator/index.ts';
import { clampToScan, orientInScan, scaleToMillimetres } from './place-in-scan.ts';
import { decimate } from './quadric-decimate.ts';
import { surfaceNets } from './surface-nets.ts';
import { taubinSmooth } from './taubin-smooth.ts';
import { EMPTY_MESH, type TriangleMesh } from '../../../contract/viewer/triangle-mesh.ts';

export interface SurfaceOptions {
  /** Taubin λ|μ pairs (default 20). */
  readonly smoothingIterations?: number;
  /** Share of the extracted triangles to keep (default 0.25). */
  readonly keepShare?: number;
  /** Never more triangles than this (default 120 000 for the gold standard, 60 000 for leakage). */
  readonly maxTriangles?: number;
}

export interface SurfaceBuild {
  readonly mesh: TriangleMesh;
  /** Triangles straight out of extraction, before decimation. */
  readonly extractedTriangles: number;
  readonly timings: StageTiming[];
}

export const GOLD_MAX_TRIANGLES = 120_000;
export const LEAKAGE_MAX_TRIANGLES = 60_000;

async function buildSurface(
  inside: ArrayLike<number>,
  shape: Shape3,
  labels: ArrayLike<number> | undefined,
  geometry: ImageGeometry,
  cropOrigin: readonly [number, number, number],
  options: SurfaceOptions,
  defaultMax: number,
): Promise<SurfaceBuild> {
  const clock = new StageClock();
  const extracted = await clock.run('extract', () => surfaceNets(inside, shape, labels));
  const scaled = scaleToMillimetres(extracted, geometry.spacing, cropOrigin);
  const smoothed = await clock.run('smooth', () => taubinSmooth(scaled, { iterations: options.smoothingIterations ?? 20 }));
  const triangles = extracted.triangles.length / 3;
  const target = Math.min(Math.ceil(triangles * (options.keepShare ?? 0.25)), options.maxTriangles ?? defaultMax);
  const decimated = await clock.run('decimate', () => decimate(smoothed, { targetTriangles: target }));
  const mesh = await clock.run('place', () =>
    orientInScan(clampToScan(decimated, geometry.size, geometry.spacing), geometry.origin, geometry.direction),
  );
  return { mesh, extractedTriangles: triangles, timings: clock.timings };
}

/** `labels`: a label per crop voxel of M, the refined branches by default (AIIB23: `unrefinedParsing(gold)`). */
export function goldSurface(gold: PreparedGold, options: SurfaceOptions = {}, labels: ArrayLike<number> = gold.branch): Promise<SurfaceBuild> {
  return buildSurface(gold.voxelClass, gold.crop.shape, labels, gold.geometry, gold.crop.origin, options, GOLD_MAX_TRIANGLES);
}

/** `lcc`: the runs of the prediction's largest component (file order, as `largestComponentRuns` gives them). */
export async function leakageSurface(gold: PreparedGold, lcc: RunSet, options: SurfaceOptions = {}): Promise<SurfaceBuild> {
  const leak = leakageRuns(gold, lcc);
  if (leak.count === 0) return { mesh: EMPTY_MESH, extractedTriangles: 0, timings: [] };
  const crop = boundingCrop(leak, gold.geometry.size, 1);
  const mask = runsToCropMask(leak, gold.geometry.size, crop);
  return buildSurface(mask, crop.shape, undefined, gold.geometry, crop.origin, options, LEAKAGE_MAX_TRIANGLES);
}
