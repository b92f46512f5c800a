/**
 * The baseline model's fixed feature layers (weights set by hand, not learned): what a voxel looks like and what
 * surrounds it, at the model's 2 mm grid. Input: one channel, HU windowed to [−1000, 0] and mapped to [0, 1]
 * (manifest: minmax), so lumen air ≈ 0, lung ≈ 0.15, wall and soft tissue ≈ 1. Features, one channel each:
 *  0 the voxel itself;
 *  1 the mean of its 3×3×3 neighbourhood, 2 the mean of its 7×7×7 neighbourhood (box filters that ignore padding);
 *  3 the darkest voxel within 3×3×3, 4 the brightest within 5×5×5 (an airway's wall is bright and close);
 *  5, 6 the fraction of air-dark voxels (below ≈ −920 HU) within about 40 and 72 mm, from a branch working on
 *    4×4×4 blocks: high for the air around the body, which is as dark as airway lumen but has no tissue around
 *    it, low inside the lungs where only airways are that dark.
 * Every layer keeps the patch size, which must be a multiple of 4 (the context branch's blocks).
 */
import { GraphBuilder } from './graph-builder.ts';
import type { AttributeValue } from './onnx-writer.ts';

export const FEATURE_COUNT = 7;
/** The normalised value below which a voxel counts as air-dark in the context branch (−920 HU). */
const DARK_LEVEL = 0.08;
const DARK_SLOPE = 60;
const BLOCK = 4;

function separable(g: GraphBuilder, op: 'AveragePool' | 'MaxPool', input: string, k: number): string {
  const h = (k - 1) / 2;
  let out = input;
  for (const axis of [0, 1, 2]) {
    const kernel = [1, 1, 1];
    kernel[axis] = k;
    const pads = [0, 0, 0, 0, 0, 0];
    pads[axis] = h;
    pads[axis + 3] = h;
    const attributes: Record<string, AttributeValue> = { kernel_shape: { ints: kernel }, pads: { ints: pads } };
    if (op === 'AveragePool') attributes.count_include_pad = { int: 0 }; // average over the voxels inside the patch only
    out = g.op(op, [out], attributes);
  }
  return out;
}

/** Adds the feature layers reading `input` ([1, 1, D, H, W]); returns the [1, FEATURE_COUNT, D, H, W] output. */
export function addFeatureLayers(g: GraphBuilder, input: string): string {
  const mean3 = separable(g, 'AveragePool', input, 3);
  const mean7 = separable(g, 'AveragePool', input, 7);
  const negated = g.op('Neg', [input]);
  const min3 = g.op('Neg', [separable(g, 'MaxPool', negated, 3)]);
  const max5 = separable(g, 'MaxPool', input, 5);
  // air-dark indicator: sigmoid(slope · (level − x)), as a 1x1x1 convolution then a sigmoid
  const darkLogit = g.op('Conv', [input, g.constant('dark_w', [1, 1, 1, 1, 1], [-DARK_SLOPE]), g.constant('dark_b', [1], [DARK_SLOPE * DARK_LEVEL])], {
    kernel_shape: { ints: [1, 1, 1] },
  });
  const dark = g.op('Sigmoid', [darkLogit]);
  const blocks = g.op('AveragePool', [dark], { kernel_shape: { ints: [BLOCK, BLOCK, BLOCK] }, strides: { ints: [BLOCK, BLOCK, BLOCK] } });
  const scales = g.constant('context_scales', [5], [1, 1, BLOCK, BLOCK, BLOCK]);
  const upsample = (coarse: string) =>
    g.op('Resize', [coarse, '', scales], {
      mode: { string: 'nearest' },
      coordinate_transformation_mode: { string: 'asymmetric' },
      nearest_mode: { string: 'floor' },
    });
  const near = upsample(separable(g, 'AveragePool', blocks, 5));
  const far = upsample(separable(g, 'AveragePool', blocks, 9));
  return g.op('Concat', [input, mean3, mean7, min3, max5, near, far], { axis: { int: 1 } });
}
