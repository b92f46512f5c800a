/** The grown airway tree: straight cylindrical branches, parent before child, ids from 1 in breadth-first order. */
import type { LungSide } from './thorax.ts';
import type { Vec3 } from './vec3.ts';

export interface Branch {
  readonly id: number;
  /** 0 for the trachea. */
  readonly parent: number;
  /** 0 trachea, 1 main bronchi, 2 lobar, ... */
  readonly generation: number;
  /** Centre-line ends in the model frame (mm); a daughter starts where its parent ends. */
  readonly start: Vec3;
  readonly end: Vec3;
  /** Lumen radius (mm). */
  readonly radius: number;
  /** Wall thickness (mm). */
  readonly wall: number;
  readonly length: number;
  readonly side: 'trachea' | LungSide;
  /** Share of the total lung volume this branch supplies (its flow, after Kitaoka). */
  readonly flowShare: number;
  /** Angle to the parent's direction (radians; 0 for the trachea). */
  readonly branchingAngle: number;
  readonly children: number[];
}

/** Wall thickness for a lumen radius: about 2 mm at the trachea, a fraction of a millimetre distally. */
export function wallThickness(radius: number): number {
  return 0.3 + 0.2 * radius;
}

export function maxGeneration(branches: readonly Branch[]): number {
  return branches.reduce((m, b) => Math.max(m, b.generation), 0);
}
