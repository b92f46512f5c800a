/**
 * What a phantom is generated from: the voxel grid, the tree's anatomical parameters and the CT simulation's
 * intensities. Everything not given has a default; the presets name the common grids.
 */
export type Triple = [number, number, number];

export interface CtOptions {
  /** Outside the body. */
  readonly airHu: number;
  /** Air in the airway lumen. */
  readonly lumenHu: number;
  /** The airway wall. */
  readonly wallHu: number;
  readonly lungHu: number;
  /** Muscle, mediastinum, heart. */
  readonly softTissueHu: number;
  readonly fatHu: number;
  readonly boneHu: number;
  /** Pulmonary vessels running beside the bronchi. */
  readonly vesselHu: number;
  /** Standard deviation of the Gaussian noise added last (HU); 0 for none. */
  readonly noiseSigmaHu: number;
  /** Standard deviation of the scanner's point-spread function (mm), on top of the voxel's own partial volume. */
  readonly blurSigmaMm: number;
  /** Draw pulmonary vessels beside the bronchi (bright tubes, as in real CT). */
  readonly vessels: boolean;
}

export interface PhantomOptions {
  readonly seed: number;
  /** Voxels along x, y, z. */
  readonly size: Triple;
  /** Voxel size in mm along x, y, z. */
  readonly spacing: Triple;
  /** Trachea lumen diameter; default drawn from 16-18 mm. */
  readonly tracheaDiameterMm?: number;
  /** Trachea length from the top of the volume to the carina; default drawn from 100-120 mm. */
  readonly tracheaLengthMm?: number;
  /**
   * The smallest lumen diameter grown (growth stops below it). Default: two voxels, which keeps every branch a
   * single 6-connected piece at this spacing (a tube wider than the voxel diagonal cannot fall apart).
   */
  readonly minDiameterMm?: number;
  /** Branch length over diameter (Kitaoka: 3). */
  readonly lengthToDiameter: number;
  /** Exponent of the flow-sharing rule d0^n = d1^n + d2^n (Murray: 3). */
  readonly murrayExponent: number;
  /** Safety limit on the depth of the tree. */
  readonly maxGeneration: number;
  readonly ct: CtOptions;
}

export const DEFAULT_CT: CtOptions = {
  airHu: -1000,
  lumenHu: -1000,
  wallHu: 0,
  lungHu: -850,
  softTissueHu: 40,
  fatHu: -100,
  boneHu: 500,
  vesselHu: 40,
  noiseSigmaHu: 20,
  blurSigmaMm: 0.5,
  vessels: true,
};

export interface GridPreset {
  readonly size: Triple;
  readonly spacing: Triple;
  readonly description: string;
}

export const GRID_PRESETS = {
  default: { size: [192, 192, 160], spacing: [1.5, 1.5, 1.5], description: '192x192x160 at 1.5 mm (288 x 288 x 240 mm)' },
  demo: { size: [160, 160, 128], spacing: [1.8, 1.8, 1.8], description: '160x160x128 at 1.8 mm: the demo challenge' },
  atm: { size: [512, 512, 500], spacing: [0.6, 0.6, 0.6], description: '512x512x500 at 0.6 mm: ATM\'22-sized, for benchmarks' },
} as const satisfies Record<string, GridPreset>;

export type GridPresetName = keyof typeof GRID_PRESETS;

export function phantomOptions(overrides: Partial<Omit<PhantomOptions, 'ct'>> & { ct?: Partial<CtOptions> } = {}): PhantomOptions {
  const grid = GRID_PRESETS.default;
  return {
    seed: 1,
    size: [...grid.size],
    spacing: [...grid.spacing],
    lengthToDiameter: 3,
    murrayExponent: 3,
    maxGeneration: 30,
    ...overrides,
    ct: { ...DEFAULT_CT, ...(overrides.ct ?? {}) },
  };
}

export function minDiameterOf(options: PhantomOptions): number {
  return options.minDiameterMm ?? 2 * Math.max(...options.spacing);
}

/** "192x192x160" → [192, 192, 160]; a reason when it is not three positive integers. */
export function parseSize(text: string): Triple | string {
  const parts = text.split(/[x,]/i).map((p) => p.trim());
  const values = parts.map(Number);
  if (values.length !== 3 || values.some((v, i) => !/^\d+$/.test(parts[i]) || v < 16 || v > 2048)) {
    return `size must be three integers from 16 to 2048 like 192x192x160, got "${text}"`;
  }
  return values as Triple;
}

/** "1.5" (isotropic) or "0.7x0.7x1.0" → mm per voxel; a reason when not positive numbers. */
export function parseSpacing(text: string): Triple | string {
  const values = text.split(/[x,]/i).map((p) => Number(p.trim()));
  const triple = values.length === 1 ? [values[0], values[0], values[0]] : values;
  if (triple.length !== 3 || triple.some((v) => !Number.isFinite(v) || v < 0.1 || v > 10)) {
    return `spacing must be one number of millimetres (isotropic) or three like 0.7x0.7x1.0, each from 0.1 to 10, got "${text}"`;
  }
  return triple as Triple;
}
