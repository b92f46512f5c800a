/**
 * The AIIB23 part of gold-standard preparation (../shared/aiib23/SPEC.md §1 and §3), sharing the ATM'22 work:
 * M (largest component, holes filled), its skeleton S_M, the segments and the nearest-segment parsing are the
 * ATM'22 preparation's own, taken before its refinement. What AIIB23 adds is S = skeletonize_3d of the *raw*
 * label G (all its components, holes kept), computed on G's own crop — and skipped when G equals M, since S is
 * then S_M.
 */
import { skeletonizeLee } from '../kernels/skeletonize-lee.ts';
import type { RunSet } from '../kernels/largest-component.ts';
import { boundingCrop, runsToCropMask, type CropBox } from '../volume/crop.ts';
import { AIIB_IN_GOLD, AIIB_ON_SKELETON, type AiibGold } from './prepared-gold.ts';

export interface AiibInputs {
  /** Runs of the raw label G (file order) and of its largest component. */
  readonly labelRuns: RunSet;
  readonly componentRuns: RunSet;
  readonly fileSize: readonly [number, number, number];
  /** The ATM'22 crop, M over it (holes filled), S_M over it and the unrefined parsing over it. */
  readonly crop: CropBox;
  readonly gold: Uint8Array;
  readonly skeleton: Uint8Array;
  readonly parsing: Int32Array;
  readonly segmentCount: number;
}

/** Crop indices of the non-zero voxels of a mask, ascending. */
export function nonZeroIndices(mask: ArrayLike<number>, test: (value: number) => boolean = (x) => x !== 0): Int32Array {
  const out: number[] = [];
  for (let v = 0; v < mask.length; v++) if (test(mask[v])) out.push(v);
  return Int32Array.from(out);
}

function segmentTotals(skeletonSegment: Int32Array, segmentCount: number): Int32Array {
  const totals = new Int32Array(segmentCount + 1);
  for (const s of skeletonSegment) if (s) totals[s]++;
  return totals;
}

export function prepareAiib(input: AiibInputs): AiibGold {
  const { crop, gold, skeleton, parsing } = input;
  let filled = 0;
  for (let v = 0; v < gold.length; v++) filled += gold[v];
  const sameAsM = input.labelRuns.voxels === input.componentRuns.voxels && filled === input.componentRuns.voxels;
  if (sameAsM) {
    const skeletonIndex = nonZeroIndices(skeleton);
    const skeletonSegment = skeletonIndex.map((v) => parsing[v]);
    return { crop, rawClass: null, skeletonIndex, skeletonSegment, segmentSkeletonVoxels: segmentTotals(skeletonSegment, input.segmentCount) };
  }
  const rawCrop = boundingCrop(input.labelRuns, input.fileSize, 1);
  const raw = runsToCropMask(input.labelRuns, input.fileSize, rawCrop);
  const rawSkeleton = skeletonizeLee(raw, rawCrop.shape);
  const rawClass = new Uint8Array(raw.length);
  for (let v = 0; v < raw.length; v++) if (raw[v]) rawClass[v] = rawSkeleton[v] ? AIIB_IN_GOLD | AIIB_ON_SKELETON : AIIB_IN_GOLD;
  const skeletonIndex = nonZeroIndices(rawSkeleton);
  // the parsing lives on the ATM'22 crop: place each voxel of S there (outside it, or outside M, the label is 0)
  const [r1, r2] = [rawCrop.shape[1], rawCrop.shape[2]];
  const [n0, n1, n2] = crop.shape;
  const d = [0, 1, 2].map((a) => rawCrop.origin[a] - crop.origin[a]);
  const skeletonSegment = skeletonIndex.map((v) => {
    const i = Math.floor(v / (r1 * r2)) + d[0];
    const j = (Math.floor(v / r2) % r1) + d[1];
    const k = (v % r2) + d[2];
    if (i < 0 || i >= n0 || j < 0 || j >= n1 || k < 0 || k >= n2) return 0;
    return parsing[(i * n1 + j) * n2 + k];
  });
  return { crop: rawCrop, rawClass, skeletonIndex, skeletonSegment, segmentSkeletonVoxels: segmentTotals(skeletonSegment, input.segmentCount) };
}
