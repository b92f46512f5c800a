/**
 * An itk-wasm image header → the evaluator's geometry (size/spacing/origin along x, y, z; direction row-major
 * 3×3), with the same refusals as the server's reader (evaluator/io/itk-volume.ts): not 3D, or more than one
 * value per voxel. Pure.
 */
import type { ImageGeometry } from '../../evaluator/io/image-volume.ts';

export interface ItkHeader {
  imageType: { dimension: number; components: number };
  size: ArrayLike<number>;
  spacing: ArrayLike<number>;
  origin: ArrayLike<number>;
  direction: ArrayLike<number>;
}

export function geometryOfItkImage(image: ItkHeader): ImageGeometry {
  const size = Array.from(image.size);
  while (size.length > 3 && size[size.length - 1] === 1) size.pop();
  if (image.imageType.dimension < 3 || size.length !== 3) {
    throw new Error(`expected a 3D volume, got ${image.imageType.dimension}D of size ${Array.from(image.size).join('x')}`);
  }
  if (image.imageType.components !== 1) throw new Error(`expected one value per voxel, got ${image.imageType.components}`);
  const n = image.imageType.dimension;
  const direction: number[] = [];
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) direction.push(Number(image.direction[row * n + col]));
  return {
    size: [size[0], size[1], size[2]],
    spacing: [image.spacing[0], image.spacing[1], image.spacing[2]],
    origin: [image.origin[0], image.origin[1], image.origin[2]],
    direction,
  };
}
