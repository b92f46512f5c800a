/**
 * Keeping branches inside the lungs: how deep a point lies (from the coarse grid's chamfer distance), how long a
 * daughter may be along a direction, and whether a lumen's cross-section (or round end) lies in the exact lung
 * shape. Used by the tree growth for every daughter it places.
 */
import { wallThickness, type Branch } from './airway-tree.ts';
import type { LungGrid } from './lung-grid.ts';
import type { Thorax } from './thorax.ts';
import { add, cross, perpendicular, scale, type Vec3 } from './vec3.ts';

export interface FitRules {
  readonly lengthToDiameter: number;
  /** Smallest voxel size (mm): the step of the checks. */
  readonly step: number;
  /** Largest voxel size (mm). */
  readonly voxel: number;
}

/**
 * Voxels of centre line a branch shows beyond the lumens at its two ends. The ATM'22 evaluation drops skeleton
 * pieces shorter than 5 voxels, so at coarse spacings Kitaoka's three diameters alone would leave the thinnest
 * branches invisible to it; they are lengthened to this (a departure from the model, for imaging).
 */
const VISIBLE_VOXELS = 6;

export class LungFit {
  constructor(
    private readonly thorax: Thorax,
    private readonly grid: LungGrid,
    private readonly rules: FitRules,
  ) {}

  /** Depth inside the lungs (mm), 0 outside; the grid's cell centres stand half a cell inside the boundary. */
  depth(p: Vec3): number {
    return Math.max(0, this.grid.depthAt(p) - this.grid.cell / 2);
  }

  /**
   * Three diameters, at most the distance to the region's centroid, cut where the branch would leave the lung
   * with its wall (checked past the parent's lumen; a lobar bronchus may spend its first half in the hilum, and a
   * branch starting near the pleura may take a few millimetres to get deep enough).
   * Undefined when what is left is shorter than a diameter.
   */
  lengthInside(parent: Branch, start: Vec3, direction: Vec3, diameter: number, toTarget: number): number | undefined {
    const { rules } = this;
    const radius = diameter / 2;
    const needed = radius + wallThickness(radius);
    const minLength = Math.max(diameter, 2 * rules.step);
    // long enough for its centre line to show beyond the parent's lumen and its own branching (see VISIBLE_VOXELS)
    const visible = parent.radius + radius + VISIBLE_VOXELS * rules.voxel;
    let length = Math.max(minLength, visible, Math.min(rules.lengthToDiameter * diameter, toTarget));
    const free = Math.min(length, parent.generation === 1 ? Math.max(parent.radius, length / 2) : parent.radius);
    const startDepth = this.depth(add(start, scale(direction, free)));
    // beyond the lobar bronchi the lumen must lie in the lung all along, from where it leaves its parent
    const checkLumen = parent.generation >= 2;
    let last = checkLumen ? 0 : free;
    for (let t = last; t <= length + rules.step / 2; t += rules.step / 2) {
      const at = Math.min(t, length);
      const p = add(start, scale(direction, at));
      // a branch leaving a shallow spot must get deeper as it goes (half a millimetre per millimetre)
      const depthNeeded = Math.max(0.01, Math.min(needed, startDepth + 0.5 * (at - free)));
      const tooShallow = at >= free && this.depth(p) < depthNeeded;
      if (tooShallow || (checkLumen && !this.lumenInLung(p, direction, radius, false))) {
        length = last;
        break;
      }
      last = at;
    }
    // the round end, where the branch now ends
    while (checkLumen && length >= minLength && !this.lumenInLung(add(start, scale(direction, length)), direction, radius, true)) length -= rules.step / 2;
    return length >= minLength ? length : undefined;
  }

  /**
   * The lumen's cross-section at p (and its round end, at the tip) lies in the lung: the exact shape, not the
   * grid, checked on a circle a little wider than the lumen so voxel centres between the samples are covered too.
   */
  lumenInLung(p: Vec3, direction: Vec3, radius: number, tip: boolean): boolean {
    const u = perpendicular(direction);
    const v = cross(direction, u);
    const reach = radius * 1.1 + 0.1;
    const inLung = (q: Vec3) => this.thorax.lungSideAt(q[0], q[1], q[2]) !== undefined;
    if (!inLung(p)) return false;
    // the circle round the axis; at the tip also the round end, at 30° and 60° from the axis, and its apex
    const polar = tip ? [Math.PI / 2, Math.PI / 3, Math.PI / 6] : [Math.PI / 2];
    for (const theta of polar) {
      for (let k = 0; k < 12; k++) {
        const angle = (k * Math.PI) / 6;
        const across = add(scale(u, Math.cos(angle) * Math.sin(theta)), scale(v, Math.sin(angle) * Math.sin(theta)));
        if (!inLung(add(p, scale(add(across, scale(direction, Math.cos(theta))), reach)))) return false;
      }
    }
    if (tip && !inLung(add(p, scale(direction, reach)))) return false;
    return true;
  }
}
