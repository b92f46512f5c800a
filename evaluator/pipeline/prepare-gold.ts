/**
 * Gold-standard preparation (SPEC §1), as one visible ordered list of stages:
 * binarise → largest 6-connected component → crop → fill holes → Lee skeleton → skeleton segments →
 * nearest-segment parsing → AIIB23 part (raw-label skeleton, unrefined parsing: `prepare-aiib.ts`) →
 * adjacency → tree refinement → branch tables.
 *
 * Everything after the largest component runs on a crop of the scan: the component's bounding box plus one
 * voxel of background on every side (the zero padding the reference implementations add). Each kernel's header
 * says why its result on the crop equals its result on the whole scan.
 */
import { EvaluatorError } from '../errors.ts';
import type { ImageVolume } from '../io/image-volume.ts';
import { fillHoles } from '../kernels/fill-holes.ts';
import { foregroundRuns, largestComponentRuns } from '../kernels/largest-component.ts';
import { refineTree, type LabelGraph } from '../kernels/refine-tree.ts';
import { skeletonSegments } from '../kernels/skeleton-segments.ts';
import { skeletonizeLee } from '../kernels/skeletonize-lee.ts';
import { boundingCrop, runsToCropMask } from '../volume/crop.ts';
import type { Shape3 } from '../volume/shape.ts';
import { IN_GOLD, ON_SKELETON, PREPARED_GOLD_VERSION, type BranchTable, type PreparedGold } from './prepared-gold.ts';
import { StageClock } from './stages.ts';
import { nonZeroIndices, prepareAiib } from './prepare-aiib.ts';
import { nearestSegmentParsing } from './unrefined-parsing.ts';

export interface PrepareOptions {
  readonly onProgress?: (stage: string) => void;
  readonly sourceSha256?: string;
}

/** Voxel counts per label and the pairs of labels that touch along an axis. */
function labelGraph(labels: Int32Array, shape: Shape3, count: number): LabelGraph {
  const [n0, n1, n2] = shape;
  const volumes = new Float64Array(count + 1);
  const seen = new Set<number>();
  const edges: Array<[number, number]> = [];
  const stride = count + 1;
  const addEdge = (a: number, b: number) => {
    const key = a < b ? a * stride + b : b * stride + a;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push([Math.min(a, b), Math.max(a, b)]);
  };
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const row = (i * n1 + j) * n2;
      for (let k = 0; k < n2; k++) {
        const v = row + k;
        const a = labels[v];
        if (!a) continue;
        volumes[a]++;
        let b: number;
        if (k + 1 < n2 && (b = labels[v + 1]) && b !== a) addEdge(a, b);
        if (j + 1 < n1 && (b = labels[v + n2]) && b !== a) addEdge(a, b);
        if (i + 1 < n0 && (b = labels[v + n1 * n2]) && b !== a) addEdge(a, b);
      }
    }
  }
  return { count, volumes, edges };
}

export async function prepareGold(label: ImageVolume, options: PrepareOptions = {}): Promise<PreparedGold> {
  const clock = new StageClock();
  const step = <T>(stage: string, work: () => T) => clock.run(stage, work, options.onProgress);
  const [nx, ny, nz] = label.size;
  const fileShape: Shape3 = [nz, ny, nx];

  const labelRuns = await step('binarise', () => foregroundRuns(label.data as ArrayLike<number>, fileShape));
  if (labelRuns.voxels === 0) {
    throw new EvaluatorError('EMPTY_GOLD_STANDARD', 'the gold standard has no voxel > 0: nothing to evaluate against');
  }
  const component = await step('largest-component', () => largestComponentRuns(labelRuns, fileShape));
  const crop = boundingCrop(component, label.size, 1);
  const shape = crop.shape;
  const gold = await step('fill-holes', () => fillHoles(runsToCropMask(component, label.size, crop), shape));
  const skeleton = await step('skeleton', () => skeletonizeLee(gold, shape));
  const segments = await step('segments', () =>
    skeletonSegments(skeleton, shape, { cropOrigin: crop.origin, scanShape: [nx, ny, nz] }),
  );
  const branch = await step('parse', () => nearestSegmentParsing(gold, segments.labels, segments.count, shape));
  // AIIB23 parses without refinement: its part is taken before `refine-tree` relabels `branch` in place
  const aiib = await step('aiib-skeleton', () =>
    prepareAiib({
      labelRuns,
      componentRuns: component,
      fileSize: label.size,
      crop,
      gold,
      skeleton,
      parsing: branch,
      segmentCount: segments.count,
    }),
  );
  const tree = await step('refine-tree', () => {
    const refined = refineTree(labelGraph(branch, shape, segments.count));
    for (let v = 0; v < branch.length; v++) if (branch[v]) branch[v] = refined.relabel[branch[v]];
    return refined;
  });
  const { voxelClass, branches, goldVoxels, skeletonVoxels } = await step('branch-tables', () => {
    const voxelClass = new Uint8Array(gold.length);
    const skeletonPerBranch = new Int32Array(tree.count + 1);
    const voxelsPerBranch = new Int32Array(tree.count + 1);
    let goldVoxels = 0;
    let skeletonVoxels = 0;
    let officialCount = 0;
    for (let v = 0; v < gold.length; v++) {
      if (!gold[v]) continue;
      goldVoxels++;
      const b = branch[v];
      voxelsPerBranch[b]++;
      if (skeleton[v]) {
        voxelClass[v] = ON_SKELETON;
        skeletonVoxels++;
        skeletonPerBranch[b]++;
        if (b > officialCount) officialCount = b;
      } else voxelClass[v] = IN_GOLD;
    }
    const branches: BranchTable = {
      count: tree.count,
      officialCount,
      trachea: tree.trachea,
      generation: tree.generation,
      parent: tree.parent,
      skeletonVoxels: skeletonPerBranch,
      voxels: voxelsPerBranch,
    };
    return { voxelClass, branches, goldVoxels, skeletonVoxels };
  });
  return {
    version: PREPARED_GOLD_VERSION,
    geometry: { size: label.size, spacing: label.spacing, origin: label.origin, direction: label.direction },
    crop,
    labelVoxels: labelRuns.voxels,
    goldVoxels,
    skeletonVoxels,
    segmentCount: segments.count,
    refinementPasses: tree.passes,
    voxelClass,
    branch,
    branches,
    skeletonIndex: nonZeroIndices(voxelClass, (c) => c === ON_SKELETON),
    aiib,
    sourceSha256: options.sourceSha256,
    timings: clock.timings,
  };
}
