/**
 * Hole filling as `scipy.ndimage.binary_fill_holes` with its default structure: a background voxel stays
 * background only when a 6-connected path of background voxels joins it to the array's border; every other
 * voxel becomes foreground. Breadth-first flood from the border; O(voxels). Input: nonzero = foreground; it is
 * not modified. Output: a new 0/1 mask.
 */
import type { Shape3 } from '../volume/shape.ts';

export function fillHoles(mask: ArrayLike<number>, shape: Shape3): Uint8Array {
  const [n0, n1, n2] = shape;
  const total = n0 * n1 * n2;
  const outside = new Uint8Array(total);
  const queue = new Int32Array(total);
  let head = 0;
  let tail = 0;
  const seed = (v: number) => {
    if (!mask[v] && !outside[v]) {
      outside[v] = 1;
      queue[tail++] = v;
    }
  };
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const onFace = i === 0 || i === n0 - 1 || j === 0 || j === n1 - 1;
      const row = (i * n1 + j) * n2;
      if (onFace) for (let k = 0; k < n2; k++) seed(row + k);
      else {
        seed(row);
        seed(row + n2 - 1);
      }
    }
  }
  const s1 = n2;
  const s0 = n1 * n2;
  while (head < tail) {
    const v = queue[head++];
    const k = v % n2;
    const j = ((v - k) / n2) % n1;
    const i = (v - k - j * n2) / s0;
    if (i > 0) seed(v - s0);
    if (i < n0 - 1) seed(v + s0);
    if (j > 0) seed(v - s1);
    if (j < n1 - 1) seed(v + s1);
    if (k > 0) seed(v - 1);
    if (k < n2 - 1) seed(v + 1);
  }
  const filled = new Uint8Array(total);
  for (let v = 0; v < total; v++) filled[v] = outside[v] ? 0 : 1;
  return filled;
}
