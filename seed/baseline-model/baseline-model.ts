/**
 * The baseline airway model as an ONNX graph: the fixed feature layers (baseline-features.ts), then a per-voxel
 * two-layer perceptron (1×1×1 convolutions: 7 features → 8 hidden units with ReLU → 1 logit) whose weights are
 * fitted on phantom voxels (fit-head.ts). Output: one channel of logits, [1, 1, D, H, W].
 */
import { addFeatureLayers, FEATURE_COUNT } from './baseline-features.ts';
import { GraphBuilder } from './graph-builder.ts';
import { encodeModel } from './onnx-writer.ts';

export const INPUT_NAME = 'ct';

/** The perceptron on standardised features: logit = w2 · relu(W1 · (f − mean) / scale + b1) + b2. */
export interface HeadWeights {
  readonly hidden: number;
  /** hidden × FEATURE_COUNT, row-major. */
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: number;
  readonly featureMean: Float32Array;
  readonly featureScale: Float32Array;
}

const inputSpec = [{ name: INPUT_NAME, dims: [1, 1, 'depth', 'height', 'width'] as Array<number | string> }];

/** Only the feature layers (used to compute training features with the very same arithmetic as the model). */
export function featureModel(): Uint8Array {
  const g = new GraphBuilder();
  const features = addFeatureLayers(g, INPUT_NAME);
  return encodeModel({
    graph: {
      name: 'carina-baseline-features',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: inputSpec,
      outputs: [{ name: features, dims: [1, FEATURE_COUNT, 'depth', 'height', 'width'] }],
    },
  });
}

export function baselineModel(head: HeadWeights, description: string): Uint8Array {
  const g = new GraphBuilder();
  const features = addFeatureLayers(g, INPUT_NAME);
  // fold the standardisation into the first layer: W1 (f − m)/s + b1 = (W1/s) f + (b1 − W1 · m/s)
  const w1 = new Float32Array(head.hidden * FEATURE_COUNT);
  const b1 = new Float32Array(head.hidden);
  for (let h = 0; h < head.hidden; h++) {
    let bias = head.b1[h];
    for (let f = 0; f < FEATURE_COUNT; f++) {
      const w = head.w1[h * FEATURE_COUNT + f] / head.featureScale[f];
      w1[h * FEATURE_COUNT + f] = w;
      bias -= w * head.featureMean[f];
    }
    b1[h] = bias;
  }
  const hidden = g.op('Relu', [
    g.op('Conv', [features, g.constant('head_w1', [head.hidden, FEATURE_COUNT, 1, 1, 1], w1), g.constant('head_b1', [head.hidden], b1)], {
      kernel_shape: { ints: [1, 1, 1] },
    }),
  ]);
  const logits = g.op(
    'Conv',
    [hidden, g.constant('head_w2', [1, head.hidden, 1, 1, 1], head.w2), g.constant('head_b2', [1], [head.b2])],
    { kernel_shape: { ints: [1, 1, 1] } },
    'airway_logits',
  );
  return encodeModel({
    producer: 'carina seed/baseline-model',
    docString: description,
    graph: {
      name: 'carina-baseline-airways',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: inputSpec,
      outputs: [{ name: logits, dims: [1, 1, 'depth', 'height', 'width'] }],
    },
  });
}
