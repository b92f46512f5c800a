/**
 * Pulmonary arteries as bright tubes running beside the bronchi (from the lobar bronchi on), the way they
 * appear in a chest CT next to every airway. Each bronchus gets a companion tube of similar calibre, offset
 * anteriorly just outside its wall and joined to its parent's companion, painted into the lung tissue only.
 */
import type { Branch } from './airway-tree.ts';
import type { Triple } from './phantom-options.ts';
import { forEachVoxelNear } from './rasterise-tubes.ts';
import { TISSUE } from './tissues.ts';
import { add, dot, norm, normalize, scale, sub, type Vec3 } from './vec3.ts';

function offsetBeside(branch: Branch): Vec3 {
  const dir = normalize(sub(branch.end, branch.start));
  const reference: Vec3 = Math.abs(dir[1]) < 0.9 ? [0, -1, 0] : [0, 0, 1];
  const across = normalize(sub(reference, scale(dir, dot(reference, dir))));
  const vesselRadius = 0.9 * branch.radius;
  return scale(across, branch.radius + branch.wall + vesselRadius + 0.5);
}

export function paintVessels(tissue: Uint8Array, branches: readonly Branch[], size: Triple, spacing: Triple): void {
  const vesselEnd = new Map<number, Vec3>();
  for (const branch of branches) {
    if (branch.generation < 2) continue;
    const end = add(branch.end, offsetBeside(branch));
    const start = vesselEnd.get(branch.parent) ?? add(branch.start, offsetBeside(branch));
    vesselEnd.set(branch.id, end);
    const radius = 0.9 * branch.radius;
    if (norm(sub(end, start)) === 0) continue;
    forEachVoxelNear({ a: start, b: end, radius }, radius, size, spacing, (v) => {
      if (tissue[v] === TISSUE.lung) tissue[v] = TISSUE.vessel;
    });
  }
}
