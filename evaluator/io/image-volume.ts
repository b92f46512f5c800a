/**
 * The in-memory form of an image file, independent of its format.
 *
 * `data` is in **file order**: the first axis (x, or i) varies fastest, then y, then z — the order of the bytes on
 * disk and of itk-wasm's buffers. Voxel (x, y, z) is at x + size[0] * (y + size[1] * z). The kernels use the
 * opposite ("logical C") order; `to-logical-order.ts` converts a region between the two.
 *
 * Geometry follows ITK's conventions: LPS physical space, `direction` a row-major 3×3 matrix whose columns are the
 * directions of the three axes, `origin` the physical position of voxel (0, 0, 0) in millimetres.
 */
export type VoxelArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

export type ComponentType =
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'uint32'
  | 'int32'
  | 'uint64'
  | 'int64'
  | 'float32'
  | 'float64';

export interface ImageGeometry {
  /** Voxels along x, y, z (file order: x fastest). */
  readonly size: readonly [number, number, number];
  /** Voxel size in millimetres along x, y, z. */
  readonly spacing: readonly [number, number, number];
  /** Physical position (LPS, mm) of voxel (0, 0, 0). */
  readonly origin: readonly [number, number, number];
  /** Row-major 3×3 direction cosines (LPS); column c is the direction of axis c. */
  readonly direction: readonly number[];
}

export interface ImageVolume extends ImageGeometry {
  readonly componentType: ComponentType;
  /** Voxel values in file order (x fastest). */
  readonly data: VoxelArray;
}

export function describeSize(size: readonly number[]): string {
  return size.join('x');
}
