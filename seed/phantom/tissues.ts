/** The tissue classes of the simulated thorax, one byte per voxel, and the intensity each takes in the CT. */
import type { CtOptions } from './phantom-options.ts';

export const TISSUE = {
  air: 0,
  fat: 1,
  softTissue: 2,
  bone: 3,
  lung: 4,
  vessel: 5,
  wall: 6,
  lumen: 7,
} as const;

export type TissueName = keyof typeof TISSUE;
export type TissueCode = (typeof TISSUE)[TissueName];

/** HU of each class, indexed by its code. */
export function tissueIntensities(ct: CtOptions): Float32Array {
  const hu = new Float32Array(8);
  hu[TISSUE.air] = ct.airHu;
  hu[TISSUE.fat] = ct.fatHu;
  hu[TISSUE.softTissue] = ct.softTissueHu;
  hu[TISSUE.bone] = ct.boneHu;
  hu[TISSUE.lung] = ct.lungHu;
  hu[TISSUE.vessel] = ct.vesselHu;
  hu[TISSUE.wall] = ct.wallHu;
  hu[TISSUE.lumen] = ct.lumenHu;
  return hu;
}
