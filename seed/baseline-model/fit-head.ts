/**
 * Fits the baseline's per-voxel perceptron by full-batch gradient descent (Adam, Kingma & Ba 2015) on the mean
 * binary cross-entropy of its logit against the airway label: 7 standardised features → 8 ReLU units → 1 logit.
 * Deterministic: seeded initial weights, a fixed number of steps.
 */
import { FEATURE_COUNT } from './baseline-features.ts';
import type { HeadWeights } from './baseline-model.ts';
import { seededRandom } from '../../ranking/seeded-random.ts';
import type { Samples } from './training-data.ts';

export interface FitOptions {
  readonly hidden?: number;
  readonly steps?: number;
  readonly learningRate?: number;
  readonly seed?: number;
}

export interface FitResult {
  readonly head: HeadWeights;
  readonly loss: number;
  /** Share of samples on the right side of 0.5, per class. */
  readonly accuracy: { airway: number; background: number };
}

function standardisation(samples: Samples): { mean: Float32Array; scale: Float32Array } {
  const mean = new Float32Array(FEATURE_COUNT);
  const scale = new Float32Array(FEATURE_COUNT);
  for (let f = 0; f < FEATURE_COUNT; f++) {
    let sum = 0;
    let sum2 = 0;
    for (let s = 0; s < samples.count; s++) {
      const v = samples.features[s * FEATURE_COUNT + f];
      sum += v;
      sum2 += v * v;
    }
    mean[f] = sum / samples.count;
    scale[f] = Math.sqrt(Math.max(sum2 / samples.count - mean[f] * mean[f], 1e-8));
  }
  return { mean, scale };
}

export function fitHead(samples: Samples, options: FitOptions = {}): FitResult {
  const H = options.hidden ?? 8;
  const F = FEATURE_COUNT;
  const steps = options.steps ?? 300;
  const lr = options.learningRate ?? 0.03;
  const random = seededRandom(options.seed ?? 11);
  const { mean, scale } = standardisation(samples);
  const n = samples.count;
  const x = new Float32Array(n * F);
  for (let s = 0; s < n; s++) for (let f = 0; f < F; f++) x[s * F + f] = (samples.features[s * F + f] - mean[f]) / scale[f];
  // parameters in one array: W1 (H×F), b1 (H), w2 (H), b2 (1)
  const size = H * F + H + H + 1;
  const p = new Float64Array(size);
  for (let i = 0; i < H * F; i++) p[i] = (random() * 2 - 1) * Math.sqrt(6 / (F + H));
  for (let i = 0; i < H; i++) p[H * F + H + i] = (random() * 2 - 1) * Math.sqrt(6 / (H + 1));
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const grad = new Float64Array(size);
  const hidden = new Float64Array(H);
  let loss = 0;
  for (let step = 1; step <= steps; step++) {
    grad.fill(0);
    loss = 0;
    for (let s = 0; s < n; s++) {
      const row = s * F;
      let logit = p[size - 1];
      for (let h = 0; h < H; h++) {
        let a = p[H * F + h];
        for (let f = 0; f < F; f++) a += p[h * F + f] * x[row + f];
        hidden[h] = a > 0 ? a : 0;
        logit += p[H * F + H + h] * hidden[h];
      }
      const y = samples.labels[s];
      const prob = 1 / (1 + Math.exp(-logit));
      loss += Math.max(logit, 0) - logit * y + Math.log1p(Math.exp(-Math.abs(logit)));
      const d = (prob - y) / n;
      grad[size - 1] += d;
      for (let h = 0; h < H; h++) {
        grad[H * F + H + h] += d * hidden[h];
        if (hidden[h] <= 0) continue;
        const dh = d * p[H * F + H + h];
        grad[H * F + h] += dh;
        for (let f = 0; f < F; f++) grad[h * F + f] += dh * x[row + f];
      }
    }
    loss /= n;
    for (let i = 0; i < size; i++) {
      m[i] = 0.9 * m[i] + 0.1 * grad[i];
      v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
      const mHat = m[i] / (1 - 0.9 ** step);
      const vHat = v[i] / (1 - 0.999 ** step);
      p[i] -= (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
  }
  const head: HeadWeights = {
    hidden: H,
    w1: Float32Array.from(p.subarray(0, H * F)),
    b1: Float32Array.from(p.subarray(H * F, H * F + H)),
    w2: Float32Array.from(p.subarray(H * F + H, H * F + 2 * H)),
    b2: p[size - 1],
    featureMean: mean,
    featureScale: scale,
  };
  return { head, loss, accuracy: accuracyOf(head, samples) };
}

function accuracyOf(head: HeadWeights, samples: Samples): { airway: number; background: number } {
  const F = FEATURE_COUNT;
  const right = [0, 0];
  const total = [0, 0];
  for (let s = 0; s < samples.count; s++) {
    let logit = head.b2;
    for (let h = 0; h < head.hidden; h++) {
      let a = head.b1[h];
      for (let f = 0; f < F; f++) a += (head.w1[h * F + f] * (samples.features[s * F + f] - head.featureMean[f])) / head.featureScale[f];
      logit += head.w2[h] * Math.max(a, 0);
    }
    const y = samples.labels[s];
    total[y]++;
    if ((logit > 0 ? 1 : 0) === y) right[y]++;
  }
  return { airway: right[1] / Math.max(1, total[1]), background: right[0] / Math.max(1, total[0]) };
}
