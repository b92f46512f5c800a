/**
 * A seeded uniform generator for bootstrap samples (mulberry32: 32-bit state, period 2^32, plenty for drawing
 * thousands of case indices); the same seed gives the same samples on every machine. Pure apart from its state.
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
