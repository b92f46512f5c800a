/**
 * One orthogonal CT slice as RGBA pixels: the CT through a lung window (W 1500 / L −600 by default), with the
 * gold-standard and prediction outlines drawn over it (a mask voxel with a 4-neighbour outside the mask in the
 * slice's plane). Index space: axial = fixed z (x right, y down), coronal = fixed y and sagittal = fixed x (z up).
 * Masks sent at another size than the CT are sampled by index ratio. Pure.
 */
export type Plane = 'axial' | 'coronal' | 'sagittal';

export interface SliceSource {
  readonly size: readonly number[];
  readonly spacing: readonly number[];
  readonly data: ArrayLike<number>;
}

export interface SliceImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray<ArrayBuffer>;
  /** Physical height / width of one pixel, for the display's aspect ratio. */
  pixelAspect: number;
}

export const LUNG_WINDOW = { width: 1500, level: -600 };
export const GOLD_OUTLINE: readonly [number, number, number] = [255, 212, 0];
export const PREDICTION_OUTLINE: readonly [number, number, number] = [41, 182, 246];
export const BOTH_OUTLINE: readonly [number, number, number] = [255, 255, 255];

/** Axes shown horizontally and vertically, and the fixed one; vertical axis flipped for coronal and sagittal. */
export function planeAxes(plane: Plane): { u: number; v: number; fixed: number; flipV: boolean } {
  if (plane === 'axial') return { u: 0, v: 1, fixed: 2, flipV: false };
  if (plane === 'coronal') return { u: 0, v: 2, fixed: 1, flipV: true };
  return { u: 1, v: 2, fixed: 0, flipV: true };
}

function sampler(mask: SliceSource | undefined, ct: SliceSource): ((i: number, j: number, k: number) => boolean) | null {
  if (!mask) return null;
  const [mx, my, mz] = mask.size;
  const same = mx === ct.size[0] && my === ct.size[1] && mz === ct.size[2];
  const fx = mx / ct.size[0];
  const fy = my / ct.size[1];
  const fz = mz / ct.size[2];
  return (i, j, k) => {
    if (i < 0 || j < 0 || k < 0 || i >= ct.size[0] || j >= ct.size[1] || k >= ct.size[2]) return false;
    const x = same ? i : Math.min(mx - 1, Math.floor(i * fx));
    const y = same ? j : Math.min(my - 1, Math.floor(j * fy));
    const z = same ? k : Math.min(mz - 1, Math.floor(k * fz));
    return mask.data[x + mx * (y + my * z)] > 0;
  };
}

export function renderSlice(
  plane: Plane,
  fixedIndex: number,
  ct: SliceSource,
  gold?: SliceSource,
  prediction?: SliceSource,
  window = LUNG_WINDOW,
): SliceImage {
  const { u, v, fixed, flipV } = planeAxes(plane);
  const width = ct.size[u];
  const height = ct.size[v];
  const rgba = new Uint8ClampedArray(width * height * 4);
  const [nx, ny] = ct.size;
  const low = window.level - window.width / 2;
  const voxel = (a: number, b: number): [number, number, number] => {
    const index = [0, 0, 0];
    index[u] = a;
    index[v] = flipV ? height - 1 - b : b;
    index[fixed] = fixedIndex;
    return index as [number, number, number];
  };
  const inGold = sampler(gold, ct);
  const inPred = sampler(prediction, ct);
  const isEdge = (inside: (i: number, j: number, k: number) => boolean, a: number, b: number) => {
    if (!inside(...voxel(a, b))) return false;
    return [[a - 1, b], [a + 1, b], [a, b - 1], [a, b + 1]].some(([x, y]) => x < 0 || y < 0 || x >= width || y >= height || !inside(...voxel(x, y)));
  };
  for (let b = 0; b < height; b++) {
    for (let a = 0; a < width; a++) {
      const [i, j, k] = voxel(a, b);
      const hu = ct.data[i + nx * (j + ny * k)];
      const grey = Math.round(Math.min(1, Math.max(0, (hu - low) / window.width)) * 255);
      let rgb: readonly number[] = [grey, grey, grey];
      const goldEdge = inGold ? isEdge(inGold, a, b) : false;
      const predEdge = inPred ? isEdge(inPred, a, b) : false;
      if (goldEdge && predEdge) rgb = BOTH_OUTLINE;
      else if (goldEdge) rgb = GOLD_OUTLINE;
      else if (predEdge) rgb = PREDICTION_OUTLINE;
      const p = 4 * (a + width * b);
      rgba[p] = rgb[0];
      rgba[p + 1] = rgb[1];
      rgba[p + 2] = rgb[2];
      rgba[p + 3] = 255;
    }
  }
  return { width, height, rgba, pixelAspect: ct.spacing[v] / ct.spacing[u] };
}
