/**
 * The lungs sampled on a coarse grid (cell size about the smallest airway diameter): the cells inside each lung
 * are the points the tree grows into (Kitaoka's "region to be supplied"), and a chamfer distance to the lung
 * boundary tells how deep inside the lung a point lies, so branches can be kept inside with their wall.
 */
import type { Random } from './random.ts';
import type { LungSide, Thorax } from './thorax.ts';
import type { Vec3 } from './vec3.ts';

export interface LungGrid {
  readonly cell: number;
  readonly dims: [number, number, number];
  /** Depth (mm) of each cell inside the lungs; 0 outside. */
  readonly depth: Float32Array;
  /** Sample points (x, y, z interleaved, mm) of each lung: one per cell, jittered within it. */
  readonly points: Record<LungSide, Float64Array>;
  /** Volume one point stands for (mm³). */
  readonly pointVolume: number;
  /** Depth inside the lungs at a point (0 outside), from the nearest cell. */
  depthAt(p: Vec3): number;
}

/** Two-pass 3D chamfer distance (weights 1, √2, √3 cells) from every inside cell to the nearest outside cell. */
function chamferDepth(inside: Uint8Array, dims: [number, number, number], cell: number): Float32Array {
  const [gx, gy, gz] = dims;
  const depth = new Float32Array(inside.length);
  for (let i = 0; i < inside.length; i++) depth[i] = inside[i] ? Infinity : 0;
  const offsets: Array<[number, number, number, number]> = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const order = dz * gx * gy + dy * gx + dx;
        if (order < 0) offsets.push([dx, dy, dz, Math.sqrt(dx * dx + dy * dy + dz * dz) * cell]);
      }
  const pass = (forward: boolean) => {
    const sign = forward ? 1 : -1;
    for (let n = 0; n < inside.length; n++) {
      const v = forward ? n : inside.length - 1 - n;
      if (!inside[v]) continue;
      const x = v % gx;
      const y = Math.floor(v / gx) % gy;
      const z = Math.floor(v / (gx * gy));
      let best = depth[v];
      for (const [dx, dy, dz, w] of offsets) {
        const nx = x + sign * dx;
        const ny = y + sign * dy;
        const nz = z + sign * dz;
        // beyond the grid counts as outside the lungs
        const d = nx < 0 || ny < 0 || nz < 0 || nx >= gx || ny >= gy || nz >= gz ? w : depth[nx + gx * (ny + gy * nz)] + w;
        if (d < best) best = d;
      }
      depth[v] = best;
    }
  };
  pass(true);
  pass(false);
  return depth;
}

export function sampleLungs(thorax: Thorax, cell: number, random: Random): LungGrid {
  const dims: [number, number, number] = [
    Math.floor(thorax.extent[0] / cell) + 1,
    Math.floor(thorax.extent[1] / cell) + 1,
    Math.floor(thorax.extent[2] / cell) + 1,
  ];
  const [gx, gy, gz] = dims;
  const inside = new Uint8Array(gx * gy * gz);
  const collected: Record<LungSide, number[]> = { right: [], left: [] };
  for (let z = 0; z < gz; z++) {
    for (let y = 0; y < gy; y++) {
      for (let x = 0; x < gx; x++) {
        const side = thorax.lungSideAt(x * cell, y * cell, z * cell);
        if (!side) continue;
        inside[x + gx * (y + gy * z)] = 1;
        const list = collected[side];
        list.push(
          (x + random.uniform(-0.35, 0.35)) * cell,
          (y + random.uniform(-0.35, 0.35)) * cell,
          (z + random.uniform(-0.35, 0.35)) * cell,
        );
      }
    }
  }
  const depth = chamferDepth(inside, dims, cell);
  return {
    cell,
    dims,
    depth,
    points: { right: Float64Array.from(collected.right), left: Float64Array.from(collected.left) },
    pointVolume: cell * cell * cell,
    depthAt(p) {
      const x = Math.round(p[0] / cell);
      const y = Math.round(p[1] / cell);
      const z = Math.round(p[2] / cell);
      if (x < 0 || y < 0 || z < 0 || x >= gx || y >= gy || z >= gz) return 0;
      return depth[x + gx * (y + gy * z)];
    },
  };
}
