/**
 * The simulated thorax around the airway tree, as analytic shapes in the model frame (millimetres from the
 * centre of voxel (0, 0, 0) along the volume's axes; x towards the patient's left, y posterior, z superior, as in
 * LPS): an elliptical body with a fat layer, a chest wall with ribs and a sternum, the spine, the mediastinum with
 * the heart, a dome-shaped diaphragm, and two lungs. Sizes are adult-like, varied a little per seed, and scaled
 * down only when the field of view is too small to hold them.
 */
import type { Random } from './random.ts';
import { TISSUE, type TissueCode } from './tissues.ts';
import type { Triple } from './phantom-options.ts';
import type { Vec3 } from './vec3.ts';

export type LungSide = 'right' | 'left';

export interface Thorax {
  /** 1 unless the field of view forced a smaller anatomy. */
  readonly scale: number;
  /** Model-frame extent of the volume (mm). */
  readonly extent: Triple;
  readonly tracheaTop: Vec3;
  readonly carina: Vec3;
  readonly tracheaDiameter: number;
  readonly tracheaLength: number;
  /** Lowest and highest lung heights (mm). */
  readonly lungBase: number;
  readonly lungApex: number;
  /** Which lung a point is in, if any. */
  lungSideAt(x: number, y: number, z: number): LungSide | undefined;
  /** The tissue at a point, airways and vessels aside. */
  tissueAt(x: number, y: number, z: number): TissueCode;
}

const inEllipse = (dx: number, dy: number, a: number, b: number) => (dx * dx) / (a * a) + (dy * dy) / (b * b) <= 1;

export function createThorax(size: Triple, spacing: Triple, random: Random, trachea: { diameter?: number; length?: number }): Thorax {
  const extent: Triple = [(size[0] - 1) * spacing[0], (size[1] - 1) * spacing[1], (size[2] - 1) * spacing[2]];
  const scale = Math.min(1, extent[0] / 270, extent[1] / 210, extent[2] / 225);
  const jitter = (value: number, spread: number) => scale * (value + random.uniform(-spread, spread));
  const cx = extent[0] / 2;
  const cy = extent[1] / 2;
  const top = extent[2];

  const bodyA = jitter(125, 6);
  const bodyB = jitter(95, 5);
  const fat = jitter(10, 2);
  const chestWall = jitter(13, 2);
  const cavityA = bodyA - fat - chestWall;
  const cavityB = bodyB - fat - chestWall;
  const mediastinum = jitter(13, 1.5);
  const spineY = cy + cavityB - 14 * scale;
  const spineA = 17 * scale;
  const spineB = 15 * scale;

  const tracheaDiameter = trachea.diameter ?? scale * random.uniform(16, 18);
  const tracheaLength = trachea.length ?? scale * random.uniform(100, 120);
  const tracheaY = cy + jitter(8, 3);
  const tracheaTop: Vec3 = [cx + random.uniform(-2, 2) * scale, tracheaY + random.uniform(-2, 2) * scale, top];
  const carina: Vec3 = [cx + random.uniform(-3, 3) * scale, tracheaY + random.uniform(0, 4) * scale, top - tracheaLength];

  const lungApex = Math.min(carina[2] + jitter(40, 4), top - 8 * scale);
  const lungBase = 8 * scale;
  const dome = jitter(40, 5);
  const rightDomeExtra = jitter(10, 3);
  const apexRounding = 50 * scale;
  const heart = {
    c: [cx + jitter(15, 4), cy - jitter(25, 4), lungBase + dome * 0.6 + jitter(20, 4)] as Vec3,
    r: [jitter(45, 3), jitter(36, 3), jitter(38, 3)] as Vec3,
  };
  const ribPitch = jitter(24, 1.5);
  const ribThickness = 8 * scale;
  const ribPhase = random.uniform(0, ribPitch);

  const lungHalf = (cavityA - mediastinum) / 2;
  const lungCentreX = (s: number) => cx + s * (mediastinum + lungHalf);

  function lungSideAt(x: number, y: number, z: number): LungSide | undefined {
    if (z > lungApex || z < lungBase) return undefined;
    const dx = x - cx;
    const s = dx < 0 ? -1 : 1;
    if (s * dx <= mediastinum) return undefined;
    const dy = y - cy;
    if (!inEllipse(dx, dy, cavityA, cavityB)) return undefined;
    if (inEllipse(dx, y - spineY, spineA + 8 * scale, spineB + 10 * scale)) return undefined;
    const hx = (x - heart.c[0]) / heart.r[0];
    const hy = (y - heart.c[1]) / heart.r[1];
    const hz = (z - heart.c[2]) / heart.r[2];
    if (hx * hx + hy * hy + hz * hz <= 1) return undefined;
    const lx = (x - lungCentreX(s)) / lungHalf;
    const ly = dy / cavityB;
    const domeHeight = dome + (s < 0 ? rightDomeExtra : 0);
    const floor = lungBase + domeHeight * Math.max(0, 1 - lx * lx - ly * ly);
    if (z < floor) return undefined;
    const fromApex = Math.min(1, (lungApex - z) / apexRounding);
    const f = Math.sqrt(Math.max(0, 1 - (1 - fromApex) * (1 - fromApex)));
    if (f < 1 && !inEllipse(x - lungCentreX(s), dy + 15 * scale * (1 - f), lungHalf * 1.15 * f, cavityB * f)) return undefined;
    return s < 0 ? 'right' : 'left';
  }

  function isRib(dx: number, dy: number, y: number, z: number): boolean {
    // ribs run round the chest wall, higher at the back than at the front
    const along = z - 0.25 * (y - cy) - ribPhase;
    const phase = along - Math.floor(along / ribPitch) * ribPitch;
    if (phase > ribThickness || z > lungApex + 15 * scale || z < lungBase - 15 * scale) return false;
    const outer = inEllipse(dx, dy, cavityA + chestWall * 0.75, cavityB + chestWall * 0.75);
    const inner = inEllipse(dx, dy, cavityA + chestWall * 0.25, cavityB + chestWall * 0.25);
    return outer && !inner;
  }

  function tissueAt(x: number, y: number, z: number): TissueCode {
    const dx = x - cx;
    const dy = y - cy;
    if (!inEllipse(dx, dy, bodyA, bodyB)) return TISSUE.air;
    if (!inEllipse(dx, dy, bodyA - fat, bodyB - fat)) return TISSUE.fat;
    const sy = y - spineY;
    if (inEllipse(dx, sy, spineA, spineB) || inEllipse(dx, sy - spineB - 12 * scale, 20 * scale, 9 * scale)) {
      return inEllipse(dx, sy - spineB - 3 * scale, 6 * scale, 5 * scale) ? TISSUE.softTissue : TISSUE.bone;
    }
    if (!inEllipse(dx, dy, cavityA, cavityB)) {
      if (dy < 0 && Math.abs(dx) < 14 * scale && z > lungBase + dome * 0.5 && z < lungApex) return TISSUE.bone; // sternum
      return isRib(dx, dy, y, z) ? TISSUE.bone : TISSUE.softTissue;
    }
    return lungSideAt(x, y, z) ? TISSUE.lung : TISSUE.softTissue;
  }

  return { scale, extent, tracheaTop, carina, tracheaDiameter, tracheaLength, lungBase, lungApex, lungSideAt, tissueAt };
}
