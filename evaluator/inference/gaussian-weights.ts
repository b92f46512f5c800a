/**
 * Gaussian importance weights for blending overlapping patches (nnU-Net: σ = patch / 8 per axis, centred on the
 * patch, so a patch's centre counts most and its borders, where the network saw little context, hardly at all).
 * The weight is a product of one 1-D Gaussian per axis, so the sum of weights that every voxel receives over a
 * Cartesian grid of patches is a product too: `coverage(x) · coverage(y) · coverage(z)`. That lets a blender
 * normalise each contribution as it arrives, without keeping a weight-sum volume.
 */

/** The 1-D weight of each position of a patch of length `patch` (peak 1 at the centre, never 0). */
export function gaussianWeights(patch: number, sigmaScale = 1 / 8): Float64Array {
  const weights = new Float64Array(patch);
  const centre = (patch - 1) / 2;
  const sigma = Math.max(patch * sigmaScale, 1e-6);
  for (let i = 0; i < patch; i++) {
    const d = i - centre;
    // floored so that a voxel seen by one patch only, at that patch's border, still gets a usable weight
    weights[i] = Math.max(Math.exp((-d * d) / (2 * sigma * sigma)), 1e-6);
  }
  return weights;
}

/** Sum over the patch starts of the weight each position of an axis of `length` receives (0 if none covers it). */
export function axisCoverage(length: number, starts: readonly number[], weights: Float64Array): Float64Array {
  const coverage = new Float64Array(length);
  for (const start of starts) {
    const end = Math.min(length, start + weights.length);
    for (let i = Math.max(0, start); i < end; i++) coverage[i] += weights[i - start];
  }
  return coverage;
}
