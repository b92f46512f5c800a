/**
 * A seeded uniform generator (mulberry32: 32-bit state, period 2^32), the one the project uses wherever a result
 * must be the same on every machine: bootstrap samples of cases here, the baseline model's training data and fit
 * (seed/baseline-model), random test volumes. Pure apart from its state.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
