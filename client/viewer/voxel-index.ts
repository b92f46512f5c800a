/**
 * Physical (LPS mm) ↔ voxel index for a volume's geometry: p = origin + D · (spacing ⊙ index), with D the
 * row-major direction matrix whose columns are the axes (orthonormal, so D⁻¹ = Dᵀ). Pure.
 */
export interface Geometry {
  readonly size: readonly number[];
  readonly spacing: readonly number[];
  readonly origin: readonly number[];
  readonly direction: readonly number[];
}

export function physicalToIndex(g: Geometry, point: readonly number[]): [number, number, number] {
  const d = [point[0] - g.origin[0], point[1] - g.origin[1], point[2] - g.origin[2]];
  const index: number[] = [];
  for (let axis = 0; axis < 3; axis++) {
    // column `axis` of D dotted with d
    const projected = g.direction[axis] * d[0] + g.direction[3 + axis] * d[1] + g.direction[6 + axis] * d[2];
    index.push(projected / g.spacing[axis]);
  }
  return [index[0], index[1], index[2]];
}

export function indexToPhysical(g: Geometry, index: readonly number[]): [number, number, number] {
  const scaled = [index[0] * g.spacing[0], index[1] * g.spacing[1], index[2] * g.spacing[2]];
  const p: number[] = [];
  for (let row = 0; row < 3; row++) {
    p.push(g.origin[row] + g.direction[3 * row] * scaled[0] + g.direction[3 * row + 1] * scaled[1] + g.direction[3 * row + 2] * scaled[2]);
  }
  return [p[0], p[1], p[2]];
}

/** The nearest voxel inside the volume. */
export function clampIndex(g: Geometry, index: readonly number[]): [number, number, number] {
  return [0, 1, 2].map((a) => Math.min(g.size[a] - 1, Math.max(0, Math.round(index[a])))) as [number, number, number];
}

/** The volume's centre, in physical coordinates. */
export function centreOf(g: Geometry): [number, number, number] {
  return indexToPhysical(g, [(g.size[0] - 1) / 2, (g.size[1] - 1) / 2, (g.size[2] - 1) / 2]);
}
