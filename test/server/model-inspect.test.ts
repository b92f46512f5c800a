/**
 * The pure parts of model validation: the bounded protobuf reader, the ONNX structure check with its caps, the
 * manifest schema and the declared interface against the manifest — on models written by the repository's writer.
 */
import assert from 'node:assert/strict';
import { encodeModel } from '../../seed/baseline-model/onnx-writer.ts';
import { varint } from '../../seed/baseline-model/protobuf-writer.ts';
import { buildBaselineModel } from '../../seed/baseline-model/build-baseline.ts';
import { manifestSchema, parseManifest } from '../../server/models/manifest.ts';
import { interfaceProblems } from '../../server/models/model-interface.ts';
import { DEFAULT_INSPECT_LIMITS, inspectOnnx, ModelProblem } from '../../server/models/onnx/onnx-inspect.ts';
import { forEachField, ProtobufError } from '../../server/models/onnx/protobuf-reader.ts';
import { simpleModel, tubeManifest } from './model-fixtures.ts';

const identity = [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }];
const problemCode = (code: string) => (e: unknown) => e instanceof ModelProblem && e.code === code;

describe('model validation: protobuf reader', () => {
  it('reads varints, strings and nested messages written by the writer', () => {
    assert.deepEqual([...varint(300)], [0xac, 0x02]); // the protobuf documentation's example
    assert.equal(varint(-1).length, 10);
    const fields: Array<[number, unknown]> = [];
    forEachField(Uint8Array.from([0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69]), (field, value) => {
      fields.push([field, value.wire === 0 ? value.value : new TextDecoder().decode((value as { bytes: Uint8Array }).bytes)]);
    });
    assert.deepEqual(fields, [[1, 150], [2, 'hi']]);
  });

  it('refuses a length that runs past the end instead of reading beyond the buffer', () => {
    assert.throws(() => forEachField(Uint8Array.from([0x12, 0x7f, 0x00]), () => undefined), (e: Error) => e instanceof ProtobufError && /claims 127 bytes, 1 are left/.test(e.message));
  });
});

describe('model validation: ONNX structure and caps', () => {
  it('summarises the baseline: opset, nodes, parameters, the one input and output with named dimensions', () => {
    const s = inspectOnnx(buildBaselineModel().onnx);
    assert.deepEqual(s.opsets, [{ domain: '', version: 17 }]);
    assert.equal(s.irVersion, 8);
    assert.equal(s.operators.Conv, 3);
    assert.equal(s.parameterCount, 2 + 5 + 8 * 7 + 8 + 8 + 1);
    assert.deepEqual(s.inputs, [{ name: 'ct', elemType: 1, dims: [1, 1, 'depth', 'height', 'width'] }]);
    assert.equal(s.outputs[0].name, 'airway_logits');
  });

  it('leaves initializers out of the inputs the caller must feed', () => {
    const bytes = encodeModel({
      graph: {
        name: 'g',
        nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
        inputs: [{ name: 'x', dims: [1, 1, 4, 4, 4] }, { name: 'w', dims: [1] }],
        outputs: [{ name: 'y', dims: [1, 1, 4, 4, 4] }],
        initializers: [{ name: 'w', dims: [1], floats: Float32Array.from([1]) }],
      },
    });
    assert.deepEqual(inspectOnnx(bytes).inputs.map((i) => i.name), ['x']);
  });

  it('counts nodes inside subgraphs against the cap', () => {
    const body = { name: 'b', nodes: [identity[0], identity[0], identity[0]], inputs: [], outputs: [] };
    const bytes = simpleModel([{ op: 'If', inputs: ['c'], outputs: ['y'], attributes: { then_branch: { graph: body }, else_branch: { graph: body } } }]);
    assert.equal(inspectOnnx(bytes).nodeCount, 7);
    assert.throws(() => inspectOnnx(bytes, { ...DEFAULT_INSPECT_LIMITS, maxNodes: 6 }), problemCode('TOO_MANY_NODES'));
  });

  it('caps declared values as well as initializers, and refuses custom operator domains', () => {
    const declared = simpleModel(identity, { output: [1, 1, 4096, 4096, 4096] });
    assert.throws(() => inspectOnnx(declared), (e: Error) => problemCode('TENSOR_TOO_LARGE')(e) && /value "y" declares 1x1x4096x4096x4096/.test(e.message));
    const custom = encodeModel({ graph: { name: 'g', nodes: identity, inputs: [{ name: 'x', dims: [1] }], outputs: [{ name: 'y', dims: [1] }] }, extraOpsets: [{ domain: 'org.evil', version: 1 }] });
    assert.throws(() => inspectOnnx(custom), (e: Error) => problemCode('UNSUPPORTED_OPSET')(e) && /"org.evil" is not supported/.test(e.message));
  });

  it('calls an empty file, a truncated model and a protobuf without a graph "not an ONNX model"', () => {
    const model = simpleModel(identity);
    for (const bytes of [new Uint8Array(0), model.subarray(0, model.length - 5), Uint8Array.from([0x08, 0x01])]) {
      assert.throws(() => inspectOnnx(bytes), problemCode('NOT_ONNX'));
    }
  });
});

describe('model validation: manifest and declared interface', () => {
  it('fills the defaults and keeps what was given', () => {
    const m = manifestSchema.parse({ input: { patchSize: [8, 8, 8], channels: [{ normalisation: 'none' }], spacing: 'native' }, output: { type: 'probabilities', channels: 1, foregroundChannel: 0 } });
    assert.equal(m.input.layout, 'NCDHW');
    assert.equal(m.input.padValue, -1024);
    assert.equal(m.overlap, 0.5);
    assert.equal(m.output.threshold, 0.5);
  });

  it('names every problem of a bad manifest by its path', () => {
    const result = parseManifest(JSON.stringify({
      input: { patchSize: [8, 8, 8], channels: [{ normalisation: 'minmax' }, { normalisation: 'zscore' }], spacing: [1, 1, 0] },
      overlap: 0.95,
      output: { type: 'logits', channels: 2, foregroundChannel: 2 },
    }));
    assert.ok('problems' in result);
    const text = result.problems.join('\n');
    assert.match(text, /input\.channels\.0\.window: minmax normalisation needs a window/);
    assert.match(text, /input\.channels\.1\.normalisation: zscore normalisation needs mean and std/);
    assert.match(text, /input\.spacing/);
    assert.match(text, /overlap: /);
    assert.match(text, /output\.foregroundChannel: foregroundChannel 2 does not exist in an output of 2 channel\(s\)/);
  });

  it('checks the declared input and output against the manifest, open dimensions fitting anything', () => {
    const m = manifestSchema.parse(tubeManifest(16));
    const declared = (input: Array<number | string>, output: Array<number | string>) => inspectOnnx(simpleModel(identity, { input, output }));
    assert.deepEqual(interfaceProblems(declared([1, 1, 'd', 'h', 'w'], [1, 1, 16, 16, 16]), m), []);
    assert.deepEqual(interfaceProblems(declared(['n', 1, 16, 16, 16], ['n', 'c', 'd', 'h', 'w']), m), []);
    const [wrongChannels] = interfaceProblems(declared([1, 3, 16, 16, 16], [1, 1, 16, 16, 16]), m);
    assert.equal(wrongChannels.code, 'WRONG_INPUT_SHAPE');
    assert.match(wrongChannels.message, /the channels dimension differs; fix the manifest's input\.channels/);
    const [wrongOutput] = interfaceProblems(declared([1, 1, 16, 16, 16], [1, 2, 16, 16, 16]), m);
    assert.equal(wrongOutput.code, 'WRONG_OUTPUT_SHAPE');
  });
});
