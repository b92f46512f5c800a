/**
 * Where the patches of a sliding-window inference start, per axis: nnU-Net's rule (Isensee et al. 2021,
 * `compute_steps_for_sliding_window`): the target step is patch × (1 − overlap); the number of steps is
 * ⌈(n − patch) / target step⌉ + 1; the steps are then spread evenly so that the first patch starts at 0 and the
 * last one ends exactly at n. An axis shorter than the patch gets one patch at 0 (the rest is padding).
 *
 * Axes are (x, y, z) in file order; patches are visited z-start slowest, then y, then x — the order the slab
 * blender needs (every patch starting at or below plane z has been seen once a patch starts above it).
 */
export type Triple = readonly [number, number, number];

export function windowStarts(length: number, patch: number, overlap: number): number[] {
  if (!(length >= 1 && patch >= 1)) throw new RangeError(`windowStarts: length ${length} and patch ${patch} must be at least 1`);
  if (!(overlap >= 0 && overlap < 1)) throw new RangeError(`windowStarts: overlap ${overlap} must be in [0, 1)`);
  if (length <= patch) return [0];
  const targetStep = Math.max(1, patch * (1 - overlap));
  const steps = Math.ceil((length - patch) / targetStep) + 1;
  const step = (length - patch) / (steps - 1);
  return Array.from({ length: steps }, (_, i) => Math.round(i * step));
}

export interface SlidingWindowPlan {
  /** The volume's size (x, y, z). */
  readonly size: Triple;
  /** The patch's size (x, y, z). */
  readonly patch: Triple;
  /** Patch starts along x, y and z. */
  readonly starts: readonly [readonly number[], readonly number[], readonly number[]];
  readonly total: number;
}

export function planSlidingWindow(size: Triple, patch: Triple, overlap: number): SlidingWindowPlan {
  const starts = [0, 1, 2].map((axis) => windowStarts(size[axis], patch[axis], overlap)) as [number[], number[], number[]];
  return { size, patch, starts, total: starts[0].length * starts[1].length * starts[2].length };
}

/** The patch starts in visiting order: z slowest, x fastest. */
export function* patchStarts(plan: SlidingWindowPlan): Generator<[number, number, number]> {
  for (const z of plan.starts[2]) for (const y of plan.starts[1]) for (const x of plan.starts[0]) yield [x, y, z];
}
