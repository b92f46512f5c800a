/**
 * The flow-sharing rules of Kitaoka, Takaki & Suki, "A three-dimensional model of the human airway tree",
 * J Appl Physiol 87:2207-2217 (1999). A parent's flow is shared between its two daughters in proportion to the
 * volumes they supply (flow ratio r = minor share, 0 < r ≤ 0.5). With the diameter exponent n
 * (d0^n = d1^n + d2^n; n = 3 is Murray's law) the daughters' diameters and branching angles follow from
 * minimum-work principles (Murray 1926; Kamiya & Togawa 1972, as used by Kitaoka):
 *
 *   d1 = d0 r^(1/n),  d2 = d0 (1 − r)^(1/n)
 *   cos θ1 = (1 + r^(4/n) − (1 − r)^(4/n)) / (2 r^(2/n))
 *   cos θ2 = (1 + (1 − r)^(4/n) − r^(4/n)) / (2 (1 − r)^(2/n))
 *
 * Pure functions; angles in radians.
 */

export interface DaughterGeometry {
  readonly minorDiameter: number;
  readonly majorDiameter: number;
  readonly minorAngle: number;
  readonly majorAngle: number;
}

const clampCos = (c: number) => Math.min(1, Math.max(-1, c));

export function daughters(parentDiameter: number, flowRatio: number, exponent = 3): DaughterGeometry {
  if (!(flowRatio > 0 && flowRatio <= 0.5)) throw new RangeError(`flow ratio must be in (0, 0.5], got ${flowRatio}`);
  const r = flowRatio;
  const q = 1 - r;
  const r4 = Math.pow(r, 4 / exponent);
  const q4 = Math.pow(q, 4 / exponent);
  return {
    minorDiameter: parentDiameter * Math.pow(r, 1 / exponent),
    majorDiameter: parentDiameter * Math.pow(q, 1 / exponent),
    minorAngle: Math.acos(clampCos((1 + r4 - q4) / (2 * Math.pow(r, 2 / exponent)))),
    majorAngle: Math.acos(clampCos((1 + q4 - r4) / (2 * Math.pow(q, 2 / exponent)))),
  };
}

/**
 * The smallest flow ratio whose minor daughter is still at least `minDiameter` wide; above 0.5 when the parent is
 * too thin to have two such daughters.
 */
export function smallestVisibleRatio(parentDiameter: number, minDiameter: number, exponent = 3): number {
  return Math.pow(minDiameter / parentDiameter, exponent);
}
