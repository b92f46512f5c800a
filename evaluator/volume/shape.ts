/**
 * Shapes and index order used by every kernel.
 *
 * Kernels work on "logical C-order" arrays: a volume of shape [n0, n1, n2] stores voxel (i, j, k) at
 * index (i * n1 + j) * n2 + k, so k varies fastest and i slowest. That is the order in which NumPy, SciPy and
 * scikit-image see an array that nibabel loaded from a NIfTI file, with i = the file's first axis. The official
 * ATM'22 code scans, numbers labels and breaks ties in that order, so the kernels must too.
 *
 * Image files (and itk-wasm's buffers) store the first axis fastest instead; `evaluator/io` converts between the
 * two orders, and nothing else does.
 */
export type Shape3 = readonly [number, number, number];

/** Number of voxels of a shape. */
export function voxelCount(shape: Shape3): number {
  return shape[0] * shape[1] * shape[2];
}

/** Flat C-order index of voxel (i, j, k). */
export function flatIndex(shape: Shape3, i: number, j: number, k: number): number {
  return (i * shape[1] + j) * shape[2] + k;
}

/** Voxel coordinates [i, j, k] of a flat C-order index. */
export function coordinates(shape: Shape3, index: number): [number, number, number] {
  const k = index % shape[2];
  const rest = (index - k) / shape[2];
  const j = rest % shape[1];
  return [(rest - j) / shape[1], j, k];
}

/** A binary or label volume with its shape, in logical C order. */
export interface Volume<T extends ArrayLike<number> = Uint8Array> {
  readonly data: T;
  readonly shape: Shape3;
}
