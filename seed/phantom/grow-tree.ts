/**
 * Grows a bronchial tree into the lungs the way Kitaoka, Takaki & Suki (1999) do:
 *
 * 1. the trachea (16-18 mm, 100-120 mm long) runs down from the top of the volume to the carina; the two main
 *    bronchi share its flow in proportion to the volumes of the two lungs (anatomical angles: the right one
 *    steeper and shorter);
 * 2. each branch divides the region it supplies by a plane that contains its own axis and is perpendicular to its
 *    parent's branching plane;
 * 3. the daughters' flow ratio is the ratio of the two sub-regions' volumes; their diameters and branching angles
 *    follow from it (kitaoka-rules.ts, Murray's exponent 3), each daughter turning towards the centroid of its
 *    own sub-region;
 * 4. a daughter is three diameters long, but no longer than the distance to its region's centroid and never
 *    leaving the lung with its wall (and never shorter than a few voxels: see lung-fit.ts);
 * 5. growth stops when a branch is too thin to have two daughters of at least the minimum diameter, when its
 *    region is filled (too few sample points), or at the safety limit on generations.
 *
 * One departure, for imaging: when the minor sub-region is too small for a daughter of the minimum diameter, the
 * dividing plane is moved (parallel) until it is not — the diameters still follow the regions' volumes exactly,
 * and no invisible branch leaves its sibling as an unbranched continuation.
 */
import { daughters, smallestVisibleRatio } from './kitaoka-rules.ts';
import type { LungGrid } from './lung-grid.ts';
import type { Random } from './random.ts';
import type { Thorax, LungSide } from './thorax.ts';
import { wallThickness, type Branch } from './airway-tree.ts';
import { LungFit } from './lung-fit.ts';
import { centroid, divide } from './region-split.ts';
import { add, cross, dot, norm, normalize, perpendicular, rotate, scale, sub, type Vec3 } from './vec3.ts';

export interface GrowthRules {
  readonly minDiameter: number;
  readonly lengthToDiameter: number;
  readonly exponent: number;
  readonly maxGeneration: number;
  /** Smallest voxel size (mm): the step of the inside-the-lung checks. */
  readonly step: number;
  /** Largest voxel size (mm). */
  readonly voxel: number;
}

/** A region smaller than this many sample points counts as filled. */
const MIN_REGION_POINTS = 3;
/** Random turn of each dividing plane about the branch axis (radians), so seeds give different trees. */
const PLANE_JITTER = (15 * Math.PI) / 180;

type BranchFields = Omit<Branch, 'id' | 'length' | 'wall' | 'children'>;

interface DaughterPlan {
  readonly fields: BranchFields;
  readonly region: Int32Array;
  readonly normal: Vec3;
}

/** Turns of the dividing plane about the branch axis tried in order when a daughter does not fit. */
const PLANE_TURNS = [0, Math.PI / 2, Math.PI / 4, (3 * Math.PI) / 4];

const sharePlaced = (plans: readonly DaughterPlan[]) => plans.reduce((sum, p) => sum + p.fields.flowShare, 0);

interface PendingSplit {
  readonly branch: Branch;
  /** Indices into the lung's sample points. */
  readonly region: Int32Array;
  readonly points: Float64Array;
  /** Normal of the plane holding this branch and its parent. */
  readonly planeNormal: Vec3;
}

export class TreeGrower {
  readonly branches: Branch[] = [];
  private readonly queue: PendingSplit[] = [];
  private totalPoints = 0;
  private readonly fit: LungFit;

  constructor(
    private readonly thorax: Thorax,
    private readonly grid: LungGrid,
    private readonly rules: GrowthRules,
    private readonly random: Random,
  ) {
    this.fit = new LungFit(thorax, grid, rules);
  }

  grow(): Branch[] {
    const { thorax, grid } = this;
    const right = grid.points.right;
    const left = grid.points.left;
    this.totalPoints = right.length / 3 + left.length / 3;
    const trachea = this.add({
      parent: 0,
      generation: 0,
      start: thorax.tracheaTop,
      end: thorax.carina,
      radius: thorax.tracheaDiameter / 2,
      side: 'trachea',
      flowShare: 1,
      branchingAngle: 0,
    });
    const rightShare = right.length / 3 / this.totalPoints;
    const tracheaDir = normalize(sub(trachea.end, trachea.start));
    for (const side of ['right', 'left'] as const) {
      const share = side === 'right' ? rightShare : 1 - rightShare;
      const main = this.mainBronchus(trachea, side, share);
      const points = grid.points[side];
      const region = new Int32Array(points.length / 3);
      for (let i = 0; i < region.length; i++) region[i] = i;
      const planeNormal = normalize(cross(tracheaDir, normalize(sub(main.end, main.start))));
      this.queue.push({ branch: main, region, points, planeNormal });
    }
    for (let head = 0; head < this.queue.length; head++) this.split(this.queue[head]);
    this.queue.length = 0;
    return this.branches;
  }

  private add(fields: BranchFields): Branch {
    const branch: Branch = {
      ...fields,
      id: this.branches.length + 1,
      length: norm(sub(fields.end, fields.start)),
      wall: wallThickness(fields.radius),
      children: [],
    };
    this.branches.push(branch);
    if (branch.parent) this.branches[branch.parent - 1].children.push(branch.id);
    return branch;
  }

  /** Anatomical main bronchus: the right one steeper (25-32° from vertical) and shorter than the left (38-48°). */
  private mainBronchus(trachea: Branch, side: LungSide, share: number): Branch {
    const s = side === 'right' ? -1 : 1;
    const angle = ((side === 'right' ? this.random.uniform(25, 32) : this.random.uniform(38, 48)) * Math.PI) / 180;
    const posterior = (this.random.uniform(0, 12) * Math.PI) / 180;
    const dir = normalize([s * Math.sin(angle), Math.sin(angle) * Math.tan(posterior), -Math.cos(angle)]);
    const diameter = 2 * trachea.radius * Math.pow(share, 1 / this.rules.exponent);
    const radius = diameter / 2;
    const anatomical = this.thorax.scale * (side === 'right' ? this.random.uniform(20, 28) : this.random.uniform(40, 50));
    // long enough to reach into the lung (the hilum), so the lobar bronchi start inside it
    let length = anatomical;
    while (length < anatomical * 2.5 && this.fit.depth(add(trachea.end, scale(dir, length))) < radius / 2) length += this.rules.step;
    return this.add({
      parent: trachea.id,
      generation: 1,
      start: trachea.end,
      end: add(trachea.end, scale(dir, length)),
      radius,
      side,
      flowShare: share,
      branchingAngle: angle,
    });
  }

  private split(pending: PendingSplit): void {
    const { branch, region, points, planeNormal } = pending;
    const { rules } = this;
    if (branch.generation >= rules.maxGeneration || region.length < 2 * MIN_REGION_POINTS) return;
    const diameter = 2 * branch.radius;
    const minShare = smallestVisibleRatio(diameter, rules.minDiameter, rules.exponent);
    if (minShare > 0.5) return;
    const dir = normalize(sub(branch.end, branch.start));
    let ruledNormal = normalize(cross(dir, planeNormal));
    if (norm(ruledNormal) < 0.5) ruledNormal = perpendicular(dir);
    ruledNormal = rotate(ruledNormal, dir, this.random.uniform(-PLANE_JITTER, PLANE_JITTER));
    // Kitaoka's plane first; if a daughter cannot be placed inside the lung, the plane turned about the axis
    let best: DaughterPlan[] = [];
    for (const turn of PLANE_TURNS) {
      const normal = rotate(ruledNormal, dir, turn);
      const plans = this.planDaughters(branch, dir, normal, points, region, minShare);
      if (plans.length === 2) {
        best = plans;
        break;
      }
      if (sharePlaced(plans) > sharePlaced(best)) best = plans;
    }
    for (const plan of best) {
      const placed = this.add(plan.fields);
      const childDir = normalize(sub(placed.end, placed.start));
      let childPlane = normalize(cross(dir, childDir));
      if (norm(childPlane) < 0.5) childPlane = plan.normal;
      this.queue.push({ branch: placed, region: plan.region, points, planeNormal: childPlane });
    }
  }

  private planDaughters(branch: Branch, dir: Vec3, normal: Vec3, points: Float64Array, region: Int32Array, minShare: number): DaughterPlan[] {
    const [above, below] = divide(points, region, branch.end, normal, Math.max(minShare, MIN_REGION_POINTS / region.length));
    if (above.length < MIN_REGION_POINTS || below.length < MIN_REGION_POINTS) return [];
    const minorIsAbove = above.length <= below.length;
    const ratio = Math.min(above.length, below.length) / region.length;
    const geometry = daughters(2 * branch.radius, ratio, this.rules.exponent);
    const children = [
      { region: minorIsAbove ? above : below, diameter: geometry.minorDiameter, angle: geometry.minorAngle, sideSign: minorIsAbove ? 1 : -1 },
      { region: minorIsAbove ? below : above, diameter: geometry.majorDiameter, angle: geometry.majorAngle, sideSign: minorIsAbove ? -1 : 1 },
    ];
    const plans: DaughterPlan[] = [];
    for (const child of children) {
      const fields = this.placeDaughter(branch, dir, normal, points, child);
      if (fields) plans.push({ fields, region: child.region, normal });
    }
    return plans;
  }

  private placeDaughter(
    parent: Branch,
    dir: Vec3,
    normal: Vec3,
    points: Float64Array,
    child: { region: Int32Array; diameter: number; angle: number; sideSign: number },
  ): BranchFields | undefined {
    const start = parent.end;
    const target = centroid(points, child.region);
    const toTarget = sub(target, start);
    let across = sub(toTarget, scale(dir, dot(toTarget, dir)));
    if (norm(across) < 1e-6 || dot(across, normal) * child.sideSign < 0) across = scale(normal, child.sideSign);
    const u = normalize(across);
    const ruled = add(scale(dir, Math.cos(child.angle)), scale(u, Math.sin(child.angle)));
    // the rule's direction first; when that leaves the lung at once, straight at the region's centroid
    for (const direction of [ruled, normalize(toTarget)]) {
      const length = this.fit.lengthInside(parent, start, direction, child.diameter, norm(toTarget));
      if (length === undefined) continue;
      return {
        parent: parent.id,
        generation: parent.generation + 1,
        start,
        end: add(start, scale(direction, length)),
        radius: child.diameter / 2,
        side: parent.side,
        flowShare: child.region.length / this.totalPoints,
        branchingAngle: Math.acos(Math.min(1, Math.max(-1, dot(dir, direction)))),
      };
    }
    return undefined;
  }
}
