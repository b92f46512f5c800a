/**
 * The tree as JSON (`<name>_tree.json`): one record per branch with its id, parent, generation, lumen radius,
 * wall thickness, length and centre-line end points in physical LPS millimetres (the images' own space: with
 * the volume's origin, spacing and direction, a point maps to voxel indices), plus the grid and the options the
 * phantom was grown from.
 */
import type { ImageGeometry } from '../../evaluator/index.ts';
import type { Phantom } from './generate-phantom.ts';
import type { Vec3 } from './vec3.ts';

export interface BranchRecord {
  id: number;
  /** null for the trachea. */
  parent: number | null;
  generation: number;
  /** Lumen radius and diameter (mm). */
  radius: number;
  diameter: number;
  /** Wall thickness (mm). */
  wall: number;
  length: number;
  /** Centre-line ends, LPS mm. */
  start: [number, number, number];
  end: [number, number, number];
  /** Share of the total lung volume the branch supplies (Kitaoka's flow). */
  flowShare: number;
  /** Angle to the parent's direction (degrees). */
  branchingAngle: number;
  lung: 'trachea' | 'right' | 'left';
  children: number[];
}

export interface TreeDocument {
  format: 'carina-airway-phantom';
  version: 1;
  seed: number;
  coordinates: 'LPS millimetres';
  geometry: ImageGeometry;
  model: {
    reference: string;
    murrayExponent: number;
    lengthToDiameter: number;
    minDiameterMm: number;
    tracheaDiameterMm: number;
    tracheaLengthMm: number;
  };
  ct: Phantom['options']['ct'];
  branchCount: number;
  maxGeneration: number;
  branches: BranchRecord[];
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Model frame (mm from voxel 0 along the axes) to LPS: origin + direction · p. */
export function toPhysical(geometry: ImageGeometry, p: Vec3): [number, number, number] {
  const d = geometry.direction;
  const o = geometry.origin;
  return [0, 1, 2].map((row) => round(o[row] + d[row * 3] * p[0] + d[row * 3 + 1] * p[1] + d[row * 3 + 2] * p[2])) as [number, number, number];
}

export function treeDocument(phantom: Phantom): TreeDocument {
  const { geometry, branches, options, thorax } = phantom;
  return {
    format: 'carina-airway-phantom',
    version: 1,
    seed: options.seed,
    coordinates: 'LPS millimetres',
    geometry,
    model: {
      reference: 'Kitaoka H, Takaki R, Suki B. A three-dimensional model of the human airway tree. J Appl Physiol 1999;87:2207-17',
      murrayExponent: options.murrayExponent,
      lengthToDiameter: options.lengthToDiameter,
      minDiameterMm: round(phantom.minDiameter),
      tracheaDiameterMm: round(thorax.tracheaDiameter),
      tracheaLengthMm: round(thorax.tracheaLength),
    },
    ct: options.ct,
    branchCount: branches.length,
    maxGeneration: branches.reduce((m, b) => Math.max(m, b.generation), 0),
    branches: branches.map((b) => ({
      id: b.id,
      parent: b.parent || null,
      generation: b.generation,
      radius: round(b.radius),
      diameter: round(2 * b.radius),
      wall: round(b.wall),
      length: round(b.length),
      start: toPhysical(geometry, b.start),
      end: toPhysical(geometry, b.end),
      flowShare: round(b.flowShare, 6),
      branchingAngle: round((b.branchingAngle * 180) / Math.PI, 2),
      lung: b.side,
      children: [...b.children],
    })),
  };
}
