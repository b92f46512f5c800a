/**
 * Labelled voxels for fitting the baseline's head: phantoms (seed/phantom) at several voxel sizes, resampled to
 * the model's grid exactly as inference will resample a CT, run through the feature layers with onnxruntime
 * (the same arithmetic as the shipped model), then sampled: every airway voxel, and as many background voxels
 * again three times over — a third anywhere, a third among the air-dark voxels (the air around the body, the
 * trap), a third next to airways (walls, where the boundary is decided).
 */
import * as ort from 'onnxruntime-node';
import { intensityTransform, applyIntensity, resampleLinear, resampledSize, type Triple } from '../../evaluator/inference/index.ts';
import { generatePhantom } from '../phantom/generate-phantom.ts';
import { phantomOptions } from '../phantom/phantom-options.ts';
import { FEATURE_COUNT } from './baseline-features.ts';
import { featureModel, INPUT_NAME } from './baseline-model.ts';
import { BASELINE_INTENSITY, BASELINE_SPACING } from './baseline-manifest.ts';
import { seededRandom } from '../../ranking/seeded-random.ts';

export interface TrainingPhantom {
  readonly seed: number;
  readonly size: Triple;
  readonly spacing: number;
}

export const TRAINING_PHANTOMS: readonly TrainingPhantom[] = [
  { seed: 101, size: [144, 144, 120], spacing: 2.0 },
  { seed: 102, size: [180, 180, 150], spacing: 1.6 },
  { seed: 103, size: [112, 112, 96], spacing: 2.6 },
  { seed: 104, size: [120, 120, 100], spacing: 2.4 },
];

/** Airway voxels sampled per phantom, at most (each brings three background samples). */
const MAX_AIRWAY_SAMPLES = 6000;

export interface Samples {
  /** count × FEATURE_COUNT, row-major. */
  readonly features: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** A phantom on the model's grid, cropped to multiples of 4: normalised CT and label. */
function onModelGrid(spec: TrainingPhantom): { size: Triple; input: Float32Array; label: Uint8Array } {
  const phantom = generatePhantom(phantomOptions({ seed: spec.seed, size: [...spec.size], spacing: [spec.spacing, spec.spacing, spec.spacing] }));
  const full = resampledSize(spec.size, [spec.spacing, spec.spacing, spec.spacing], BASELINE_SPACING);
  const ct = resampleLinear(phantom.ct, spec.size, full);
  const label = resampleLinear(phantom.label, spec.size, full);
  const size = full.map((n) => n - (n % 4)) as unknown as Triple;
  const t = intensityTransform(BASELINE_INTENSITY);
  const input = new Float32Array(size[0] * size[1] * size[2]);
  const cropped = new Uint8Array(input.length);
  for (let z = 0, v = 0; z < size[2]; z++) {
    for (let y = 0; y < size[1]; y++) {
      for (let x = 0; x < size[0]; x++, v++) {
        const source = x + full[0] * (y + full[1] * z);
        input[v] = applyIntensity(t, ct[source]);
        cropped[v] = label[source] >= 0.5 ? 1 : 0;
      }
    }
  }
  return { size, input, label: cropped };
}

/** Background voxels within `reach` voxels (a cube) of an airway voxel. */
function airwayNeighbours(label: Uint8Array, size: Triple, reach: number): number[] {
  const [nx, ny, nz] = size;
  const near = new Uint8Array(label.length);
  for (let z = 0, v = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, v++) {
        if (!label[v]) continue;
        for (let c = Math.max(0, z - reach); c <= Math.min(nz - 1, z + reach); c++)
          for (let b = Math.max(0, y - reach); b <= Math.min(ny - 1, y + reach); b++)
            for (let a = Math.max(0, x - reach); a <= Math.min(nx - 1, x + reach); a++) near[a + nx * (b + ny * c)] = 1;
      }
    }
  }
  const list: number[] = [];
  for (let v = 0; v < label.length; v++) if (near[v] && !label[v]) list.push(v);
  return list;
}

export async function trainingSamples(phantoms: readonly TrainingPhantom[] = TRAINING_PHANTOMS, seed = 7): Promise<Samples> {
  const session = await ort.InferenceSession.create(featureModel());
  const random = seededRandom(seed);
  const rows: number[] = [];
  const labels: number[] = [];
  for (const spec of phantoms) {
    const { size, input, label } = onModelGrid(spec);
    const n = input.length;
    const result = await session.run({ [INPUT_NAME]: new ort.Tensor('float32', input, [1, 1, size[2], size[1], size[0]]) });
    const features = Object.values(result)[0].data as Float32Array;
    const take = (v: number, y: number) => {
      for (let f = 0; f < FEATURE_COUNT; f++) rows.push(features[f * n + v]);
      labels.push(y);
    };
    // every airway voxel, or an even sample of them on big phantoms
    let airway = 0;
    for (let v = 0; v < n; v++) airway += label[v];
    const keep = Math.min(1, MAX_AIRWAY_SAMPLES / Math.max(1, airway));
    let positives = 0;
    for (let v = 0; v < n; v++) {
      if (label[v] && random() < keep) {
        take(v, 1);
        positives++;
      }
    }
    const dark: number[] = [];
    for (let v = 0; v < n; v++) if (!label[v] && input[v] < 0.15) dark.push(v);
    const near = airwayNeighbours(label, size, 2);
    for (let k = 0; k < positives; k++) {
      const anywhere = Math.floor(random() * n);
      if (!label[anywhere]) take(anywhere, 0);
      if (dark.length) take(dark[Math.floor(random() * dark.length)], 0);
      if (near.length) take(near[Math.floor(random() * near.length)], 0);
    }
  }
  session.release();
  return { features: Float32Array.from(rows), labels: Uint8Array.from(labels), count: labels.length };
}
