/**
 * Draws the tree's branches as capsules (a cylinder with round ends, so a daughter joins its parent without a gap)
 * on the voxel grid, in file order (x fastest). For each voxel it records:
 * - `label`: 1 when its centre lies within a lumen — the gold standard;
 * - `owner`: the first branch (parents before daughters) whose lumen holds it — which voxels an error mode
 *   removes with a branch;
 * - `lumenCover` / `outerCover`: how much of the voxel the lumen and the lumen with its wall cover (0-255), a
 *   linear ramp one voxel wide across each surface, overlapping branches combined as a union — the partial
 *   volume the CT is made of.
 * A voxel whose centre is within r of a straight centre line forms one 6-connected piece along it when r is at
 * least half the voxel diagonal, which the minimum diameter guarantees.
 */
import type { Branch } from './airway-tree.ts';
import type { Triple } from './phantom-options.ts';
import { norm, sub, type Vec3 } from './vec3.ts';

export interface AirwayRaster {
  readonly label: Uint8Array;
  readonly owner: Uint16Array | Uint32Array;
  readonly lumenCover: Uint8Array;
  readonly outerCover: Uint8Array;
}

export interface Capsule {
  readonly a: Vec3;
  readonly b: Vec3;
  readonly radius: number;
}

/** Calls `visit(index, distance)` for every voxel whose centre is within `reach` of the capsule's axis segment. */
export function forEachVoxelNear(capsule: Capsule, reach: number, size: Triple, spacing: Triple, visit: (v: number, distance: number) => void): void {
  const { a, b } = capsule;
  const axis = sub(b, a);
  const length = norm(axis);
  const u: Vec3 = length > 0 ? [axis[0] / length, axis[1] / length, axis[2] / length] : [0, 0, 1];
  const lo = [0, 1, 2].map((i) => Math.max(0, Math.floor((Math.min(a[i], b[i]) - reach) / spacing[i])));
  const hi = [0, 1, 2].map((i) => Math.min(size[i] - 1, Math.ceil((Math.max(a[i], b[i]) + reach) / spacing[i])));
  const reach2 = reach * reach;
  const [nx, ny] = size;
  for (let z = lo[2]; z <= hi[2]; z++) {
    const wz = z * spacing[2] - a[2];
    for (let y = lo[1]; y <= hi[1]; y++) {
      const wy = y * spacing[1] - a[1];
      const row = nx * (y + ny * z);
      for (let x = lo[0]; x <= hi[0]; x++) {
        const wx = x * spacing[0] - a[0];
        let t = wx * u[0] + wy * u[1] + wz * u[2];
        if (t < 0) t = 0;
        else if (t > length) t = length;
        const dx = wx - t * u[0];
        const dy = wy - t * u[1];
        const dz = wz - t * u[2];
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 <= reach2) visit(row + x, Math.sqrt(d2));
      }
    }
  }
}

const cover = (distance: number, surface: number, ramp: number) => {
  const f = 0.5 - (distance - surface) / ramp;
  return f <= 0 ? 0 : f >= 1 ? 255 : Math.round(f * 255);
};

/** Cover of two overlapping shapes (0-255): 1 − (1 − a)(1 − b), so a voxel in the crease where two tubes meet is full. */
const union = (a: number, b: number) => 255 - Math.round(((255 - a) * (255 - b)) / 255);

export function rasteriseAirways(branches: readonly Branch[], size: Triple, spacing: Triple): AirwayRaster {
  const count = size[0] * size[1] * size[2];
  const label = new Uint8Array(count);
  const owner = branches.length < 65535 ? new Uint16Array(count) : new Uint32Array(count);
  const lumenCover = new Uint8Array(count);
  const outerCover = new Uint8Array(count);
  const ramp = (spacing[0] + spacing[1] + spacing[2]) / 3;
  for (const branch of branches) {
    const outer = branch.radius + branch.wall;
    const lumen = branch.radius + 1e-6; // a centre exactly on the surface is inside
    forEachVoxelNear({ a: branch.start, b: branch.end, radius: branch.radius }, outer + ramp / 2, size, spacing, (v, d) => {
      if (d <= lumen) {
        label[v] = 1;
        if (!owner[v]) owner[v] = branch.id;
      }
      const l = cover(d, branch.radius, ramp);
      if (l) lumenCover[v] = union(lumenCover[v], l);
      const o = cover(d, outer, ramp);
      if (o) outerCover[v] = union(outerCover[v], o);
    });
  }
  return { label, owner, lumenCover, outerCover };
}

/** Quick check used when placing things next to the tree: is any voxel of the capsule's reach labelled? */
export function touchesLabel(label: Uint8Array, capsule: Capsule, reach: number, size: Triple, spacing: Triple): boolean {
  let hit = false;
  forEachVoxelNear(capsule, reach, size, spacing, (v) => {
    if (label[v]) hit = true;
  });
  return hit;
}
