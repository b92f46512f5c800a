/**
 * How a patch sits in a model's input and output tensors. Two layouts:
 * - `NCDHW` (PyTorch on arrays read with SimpleITK, nnU-Net): the spatial axes are z, y, x, so x varies fastest —
 *   the same order as the CT file's voxels;
 * - `NCWHD` (arrays read with nibabel, MONAI): the spatial axes are x, y, z, so z varies fastest.
 * Voxels are given in the CT file's own voxel order in both cases (no reorientation).
 */
import type { Triple } from './sliding-window.ts';

export type TensorLayout = 'NCDHW' | 'NCWHD';

/** The patch size along (x, y, z) from the tensor's three spatial dimensions. */
export function patchSizeXyz(layout: TensorLayout, tensorDims: Triple): Triple {
  return layout === 'NCDHW' ? [tensorDims[2], tensorDims[1], tensorDims[0]] : [tensorDims[0], tensorDims[1], tensorDims[2]];
}

/** The tensor's three spatial dimensions from the patch size along (x, y, z). */
export function tensorDimsOf(layout: TensorLayout, patch: Triple): Triple {
  return layout === 'NCDHW' ? [patch[2], patch[1], patch[0]] : [patch[0], patch[1], patch[2]];
}

/** Strides of x, y and z within one channel of the tensor. */
export function spatialStrides(layout: TensorLayout, patch: Triple): Triple {
  return layout === 'NCDHW' ? [1, patch[0], patch[0] * patch[1]] : [patch[1] * patch[2], patch[2], 1];
}
