/**
 * A small airway on which AIIB23's and ATM'22's branches differ: a Y whose right bronchus carries a short spur.
 * The spur makes a junction, so S_M has four segments, but the spur itself is under 5 voxels and dropped, leaving
 * the right bronchus's two halves as an only child and its parent, which ATM'22's refinement merges into one
 * branch (three branches). The prediction keeps the upper half of the right bronchus and loses the lower one:
 * AIIB23 detects the upper segment and misses the lower, ATM'22 misses the merged branch.
 */
import { cloneMask, drawTube, emptyMask, getVoxel, setVoxel, type MaskVolume, type Vec3 } from './volumes.ts';

const SIZE: Vec3 = [32, 24, 40];
const GEOMETRY = { spacing: [0.7, 0.7, 0.8] as const, origin: [40, -30, -100] as const };

export function spurredAirway(): MaskVolume {
  const mask = emptyMask(SIZE, GEOMETRY);
  drawTube(mask, [16, 12, 36], [16, 12, 20], 3);
  drawTube(mask, [16, 12, 20], [8, 12, 4], 2);
  drawTube(mask, [16, 12, 20], [24, 12, 4], 2);
  drawTube(mask, [20, 12, 12], [23, 12, 15], 1); // the spur on the right bronchus
  return mask;
}

/** The airway without the right bronchus below z = 11. */
export function withoutLowerRight(): MaskVolume {
  const mask = cloneMask(spurredAirway());
  for (let z = 0; z < 11; z++) for (let y = 0; y < SIZE[1]; y++) for (let x = 17; x < SIZE[0]; x++) if (getVoxel(mask, x, y, z)) setVoxel(mask, x, y, z, 0);
  return mask;
}

/** The right bronchus's centre line runs from (16, 12, 20) to (24, 12, 4): its upper and lower halves. */
export const UPPER_RIGHT: Vec3 = [18, 12, 16];
export const LOWER_RIGHT: Vec3 = [22, 12, 8];
