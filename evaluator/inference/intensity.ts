/**
 * Intensity normalisation of one input channel, as a model's manifest declares it. Every supported scheme is a
 * clip followed by an affine map, so one small record describes them all:
 * - `none`: HU as they are;
 * - `minmax`: clip to the window [lo, hi], then map it to [0, 1];
 * - `zscore`: clip to the window if one is given, then (v − mean) / std.
 */
export interface IntensitySpec {
  readonly window?: readonly [number, number];
  readonly normalisation: 'none' | 'minmax' | 'zscore';
  readonly mean?: number;
  readonly std?: number;
}

/** v ↦ (clamp(v, lo, hi) − offset) × scale. */
export interface IntensityTransform {
  readonly lo: number;
  readonly hi: number;
  readonly offset: number;
  readonly scale: number;
}

export function intensityTransform(spec: IntensitySpec): IntensityTransform {
  const lo = spec.window ? spec.window[0] : -Infinity;
  const hi = spec.window ? spec.window[1] : Infinity;
  if (spec.normalisation === 'none') return { lo, hi, offset: 0, scale: 1 };
  if (spec.normalisation === 'minmax') {
    if (!spec.window || !(spec.window[1] > spec.window[0])) throw new RangeError('minmax normalisation needs a window [lo, hi] with lo < hi');
    return { lo, hi, offset: spec.window[0], scale: 1 / (spec.window[1] - spec.window[0]) };
  }
  if (spec.mean === undefined || !(spec.std !== undefined && spec.std > 0)) throw new RangeError('zscore normalisation needs a mean and a positive std');
  return { lo, hi, offset: spec.mean, scale: 1 / spec.std };
}

export function applyIntensity(t: IntensityTransform, value: number): number {
  const clipped = value < t.lo ? t.lo : value > t.hi ? t.hi : value;
  return (clipped - t.offset) * t.scale;
}
