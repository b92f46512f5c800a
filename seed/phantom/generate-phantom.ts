/**
 * One phantom, start to finish, in memory: thorax → lung samples → Kitaoka tree → airway raster (gold standard)
 * → tissue map with vessels → simulated CT. Deterministic for the options (seed included): the same options give
 * the same arrays, and so the same bytes on disk.
 */
import type { ImageGeometry } from '../../evaluator/index.ts';
import { maxGeneration, type Branch } from './airway-tree.ts';
import { TreeGrower } from './grow-tree.ts';
import { sampleLungs } from './lung-grid.ts';
import { minDiameterOf, type PhantomOptions, type Triple } from './phantom-options.ts';
import { paintVessels } from './pulmonary-vessels.ts';
import { createRandom } from './random.ts';
import { rasteriseAirways, type AirwayRaster } from './rasterise-tubes.ts';
import { markAirwayTissue, simulateCt } from './simulate-ct.ts';
import { createThorax, type Thorax } from './thorax.ts';

export interface Phantom {
  readonly options: PhantomOptions;
  readonly geometry: ImageGeometry;
  readonly thorax: Thorax;
  readonly branches: readonly Branch[];
  readonly minDiameter: number;
  /** Gold standard (1 = airway lumen), file order. */
  readonly label: Uint8Array;
  /** Branch id of each lumen voxel (0 elsewhere). */
  readonly owner: AirwayRaster['owner'];
  /** Tissue class of each voxel (tissues.ts), airways included. */
  readonly tissue: Uint8Array;
  /** Simulated CT (HU). */
  readonly ct: Int16Array;
  /** Milliseconds per step. */
  readonly timings: Record<string, number>;
}

/** Identity direction, origin at minus half the extent: the volume is centred on (0, 0, 0) in LPS. */
export function phantomGeometry(size: Triple, spacing: Triple): ImageGeometry {
  return {
    size: [...size],
    spacing: [...spacing],
    origin: [0, 1, 2].map((i) => -((size[i] - 1) * spacing[i]) / 2) as Triple,
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  };
}

export function generatePhantom(options: PhantomOptions): Phantom {
  const timings: Record<string, number> = {};
  let clock = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    timings[step] = Math.round(now - clock);
    clock = now;
  };
  const { size, spacing, seed } = options;
  const random = createRandom(seed);
  const minDiameter = minDiameterOf(options);
  const thorax = createThorax(size, spacing, random.stream('thorax'), {
    diameter: options.tracheaDiameterMm,
    length: options.tracheaLengthMm,
  });
  const grid = sampleLungs(thorax, Math.max(minDiameter, 1), random.stream('lung-samples'));
  lap('lungs');
  const branches = new TreeGrower(
    thorax,
    grid,
    {
      minDiameter,
      lengthToDiameter: options.lengthToDiameter,
      exponent: options.murrayExponent,
      maxGeneration: options.maxGeneration,
      step: Math.min(...spacing),
      voxel: Math.max(...spacing),
    },
    random.stream('tree'),
  ).grow();
  lap('tree');
  const airways = rasteriseAirways(branches, size, spacing);
  lap('airways');
  const tissue = new Uint8Array(size[0] * size[1] * size[2]);
  const [nx, ny, nz] = size;
  for (let z = 0, v = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, v++) tissue[v] = thorax.tissueAt(x * spacing[0], y * spacing[1], z * spacing[2]);
  if (options.ct.vessels) paintVessels(tissue, branches, size, spacing);
  lap('tissues');
  const ct = simulateCt(tissue, airways, options.ct, size, spacing, random.stream('ct'));
  markAirwayTissue(tissue, airways);
  lap('ct');
  return {
    options,
    geometry: phantomGeometry(size, spacing),
    thorax,
    branches,
    minDiameter,
    label: airways.label,
    owner: airways.owner,
    tissue,
    ct,
    timings,
  };
}

export function phantomSummary(phantom: Phantom) {
  const lumenVoxels = phantom.label.reduce((n, v) => n + v, 0);
  return {
    seed: phantom.options.seed,
    size: phantom.geometry.size,
    spacing: phantom.geometry.spacing,
    branches: phantom.branches.length,
    maxGeneration: maxGeneration(phantom.branches),
    lumenVoxels,
    timings: phantom.timings,
  };
}
