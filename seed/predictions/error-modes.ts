/**
 * The mistakes real airway segmentations make, each applied to a working copy of a phantom's gold standard (file
 * order, 1 = airway). Each takes the phantom (its tree, which branch owns which lumen voxel, its tissues), its
 * settings and a seeded random stream, and changes the mask in place:
 *
 * - missedBranches: a branch of generation ≥ g is missed with probability p, and with it everything beyond it
 *   (lower TD and BD; precision unchanged);
 * - brokenBranches: a gap across a branch splits the tree; the evaluator keeps the largest component, so the
 *   distal part is lost although it was segmented;
 * - changeBoundary: the lumen eroded (thinner, thin branches break up) or dilated (thicker: DSC and precision
 *   drop), by whole voxels with an optional fraction of a voxel on the last step;
 * - leakage: blobs grown from distal branches into the parenchyma (lower precision, TD unchanged);
 * - falsePositiveIslands: small blobs in the lungs away from the tree (dropped by the largest-component rule).
 */
import type { Phantom } from '../phantom/generate-phantom.ts';
import type { Random } from '../phantom/random.ts';
import { forEachVoxelNear } from '../phantom/rasterise-tubes.ts';
import { TISSUE } from '../phantom/tissues.ts';
import { add, lerp, normalize, perpendicular, rotate, scale, sub, type Vec3 } from '../phantom/vec3.ts';

export interface MissedBranches {
  readonly fromGeneration: number;
  readonly probability: number;
}

export interface BrokenBranches {
  readonly fromGeneration: number;
  readonly probability: number;
  /** Length of the gap along the branch (mm); default two voxels. */
  readonly gapMm?: number;
}

export interface BoundaryChange {
  /** Whole voxels: positive dilates, negative erodes. */
  readonly voxels: number;
  /** Share of the boundary changed on the last step (default 1). */
  readonly fraction?: number;
}

export interface Leakage {
  readonly fromGeneration: number;
  readonly count: number;
  readonly radiusMm: number;
}

export interface Islands {
  readonly count: number;
  readonly radiusMm: number;
}

/** The branches dropped (with their subtrees); returns their ids. */
export function missedBranches(mask: Uint8Array, phantom: Phantom, settings: MissedBranches, random: Random): Set<number> {
  const dropped = new Set<number>();
  for (const branch of phantom.branches) {
    const parentDropped = branch.parent > 0 && dropped.has(branch.parent);
    if (parentDropped || (branch.generation >= settings.fromGeneration && random.next() < settings.probability)) dropped.add(branch.id);
  }
  const { owner } = phantom;
  for (let v = 0; v < mask.length; v++) if (owner[v] && dropped.has(owner[v])) mask[v] = 0;
  return dropped;
}

/** Cuts a gap across the chosen branches; returns their ids. `margin` widens the cut (mm) for a dilated lumen. */
export function brokenBranches(mask: Uint8Array, phantom: Phantom, settings: BrokenBranches, random: Random, margin = 0): number[] {
  const { size, spacing } = phantom.geometry;
  const voxel = Math.max(...spacing);
  const gap = settings.gapMm ?? 2 * voxel;
  const broken: number[] = [];
  for (const branch of phantom.branches) {
    if (branch.generation < settings.fromGeneration || random.next() >= settings.probability) continue;
    const t = random.uniform(0.35, 0.65);
    const dir = normalize(sub(branch.end, branch.start));
    const centre = lerp(branch.start, branch.end, t);
    const reach = branch.radius + branch.wall + voxel + margin;
    // a thin disc across the branch: a short capsule along it, as wide as the lumen and then some
    const a = add(centre, scale(dir, -gap / 2));
    const b = add(centre, scale(dir, gap / 2));
    forEachVoxelNear({ a, b, radius: reach }, reach, [...size], [...spacing], (v) => {
      mask[v] = 0;
    });
    broken.push(branch.id);
  }
  return broken;
}

/** One 6-neighbour erosion or dilation step on a share of the boundary (within the mask's bounding box + 1). */
function boundaryStep(mask: Uint8Array, size: readonly number[], dilate: boolean, share: number, random: Random): void {
  const [nx, ny, nz] = size;
  const sxy = nx * ny;
  const lo = [nx, ny, nz];
  const hi = [-1, -1, -1];
  for (let z = 0, v = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, v++) {
        if (!mask[v]) continue;
        if (x < lo[0]) lo[0] = x;
        if (x > hi[0]) hi[0] = x;
        if (y < lo[1]) lo[1] = y;
        if (y > hi[1]) hi[1] = y;
        if (z < lo[2]) lo[2] = z;
        if (z > hi[2]) hi[2] = z;
      }
  if (hi[0] < 0) return;
  // dilation turns background touching the mask into mask; erosion turns mask touching background into background
  const want = dilate ? 1 : 0;
  const change: number[] = [];
  for (let z = Math.max(0, lo[2] - 1); z <= Math.min(nz - 1, hi[2] + 1); z++) {
    for (let y = Math.max(0, lo[1] - 1); y <= Math.min(ny - 1, hi[1] + 1); y++) {
      for (let x = Math.max(0, lo[0] - 1); x <= Math.min(nx - 1, hi[0] + 1); x++) {
        const v = x + nx * (y + ny * z);
        if (mask[v] === want) continue;
        const touches =
          (x > 0 && mask[v - 1] === want) ||
          (x < nx - 1 && mask[v + 1] === want) ||
          (y > 0 && mask[v - nx] === want) ||
          (y < ny - 1 && mask[v + nx] === want) ||
          (z > 0 && mask[v - sxy] === want) ||
          (z < nz - 1 && mask[v + sxy] === want);
        if (touches && (share >= 1 || random.next() < share)) change.push(v);
      }
    }
  }
  for (const v of change) mask[v] = want;
}

export function changeBoundary(mask: Uint8Array, phantom: Phantom, settings: BoundaryChange, random: Random): void {
  const steps = Math.abs(settings.voxels);
  const share = settings.fraction ?? 1;
  for (let step = 1; step <= steps; step++) boundaryStep(mask, phantom.geometry.size, settings.voxels > 0, step === steps ? share : 1, random);
}

const LEAKY_TISSUE = new Set<number>([TISSUE.lung, TISSUE.vessel, TISSUE.wall, TISSUE.lumen]);

/** Paints a lumpy blob (a few overlapping spheres) on lung tissue. */
function paintBlob(mask: Uint8Array, phantom: Phantom, centre: Vec3, radius: number, random: Random, lobes: number): void {
  const { size, spacing } = phantom.geometry;
  for (let i = 0; i < lobes; i++) {
    const offset: Vec3 = i === 0 ? [0, 0, 0] : scale(normalize([random.normal(), random.normal(), random.normal()]), radius * random.uniform(0.3, 0.7));
    const r = radius * (i === 0 ? 1 : random.uniform(0.5, 0.8));
    const c = add(centre, offset);
    forEachVoxelNear({ a: c, b: c, radius: r }, r, [...size], [...spacing], (v) => {
      if (LEAKY_TISSUE.has(phantom.tissue[v])) mask[v] = 1;
    });
  }
}

/** Blobs attached to the side of randomly chosen distal branches still present in the mask; returns their ids. */
export function leakage(mask: Uint8Array, phantom: Phantom, settings: Leakage, random: Random, kept?: (id: number) => boolean): number[] {
  const candidates = phantom.branches.filter((b) => b.generation >= settings.fromGeneration && (!kept || kept(b.id)));
  const chosen: number[] = [];
  for (let i = 0; i < settings.count && candidates.length > 0; i++) {
    const branch = candidates[random.int(candidates.length)];
    const dir = normalize(sub(branch.end, branch.start));
    const side = rotate(perpendicular(dir), dir, random.uniform(0, 2 * Math.PI));
    const radius = settings.radiusMm * random.uniform(0.8, 1.2);
    // the blob overlaps the lumen by a third of its radius, so it is attached
    const centre = add(lerp(branch.start, branch.end, random.uniform(0.4, 1)), scale(side, branch.radius + 0.67 * radius));
    paintBlob(mask, phantom, centre, radius, random, 4);
    chosen.push(branch.id);
  }
  return chosen;
}

/** Small blobs in the lungs at least two radii plus two voxels away from any airway; returns how many were placed. */
export function falsePositiveIslands(mask: Uint8Array, phantom: Phantom, settings: Islands, random: Random): number {
  const { size, spacing } = phantom.geometry;
  const [nx, ny, nz] = size;
  const clearance = 2 * settings.radiusMm + 2 * Math.max(...spacing);
  let placed = 0;
  for (let attempt = 0; placed < settings.count && attempt < settings.count * 50; attempt++) {
    const x = random.int(nx);
    const y = random.int(ny);
    const z = random.int(nz);
    if (phantom.tissue[x + nx * (y + ny * z)] !== TISSUE.lung) continue;
    const centre: Vec3 = [x * spacing[0], y * spacing[1], z * spacing[2]];
    let near = false;
    forEachVoxelNear({ a: centre, b: centre, radius: clearance }, clearance, [...size], [...spacing], (v) => {
      if (mask[v] || phantom.label[v]) near = true;
    });
    if (near) continue;
    paintBlob(mask, phantom, centre, settings.radiusMm * random.uniform(0.7, 1.2), random, 2);
    placed++;
  }
  return placed;
}
