/**
 * Reads an ONNX file's structure (onnx/onnx.proto: ModelProto → GraphProto → NodeProto, TensorProto,
 * ValueInfoProto) without running it, and enforces the platform's caps on untrusted models: a bounded node count
 * (subgraphs and local functions included), no declared tensor beyond a number of elements, no tensor stored in an
 * external file, opsets from known domains within the supported versions, bounded subgraph nesting. Raw tensor data
 * is never copied. A problem is thrown as a `ModelProblem` whose message says what to change.
 */
import { forEachField, integer, ProtobufError, text, varints, type FieldValue } from './protobuf-reader.ts';

export type ModelProblemCode =
  | 'NOT_ONNX'
  | 'EXTERNAL_DATA'
  | 'TOO_MANY_NODES'
  | 'TENSOR_TOO_LARGE'
  | 'UNSUPPORTED_OPSET'
  | 'GRAPH_TOO_DEEP';

export class ModelProblem extends Error {
  constructor(
    readonly code: ModelProblemCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelProblem';
  }
}

export interface InspectLimits {
  readonly maxNodes: number;
  readonly maxTensorElements: number;
  readonly maxGraphDepth: number;
  /** Highest default-domain opset version accepted. */
  readonly maxOpset: number;
}

export const DEFAULT_INSPECT_LIMITS: InspectLimits = { maxNodes: 20_000, maxTensorElements: 2 ** 28, maxGraphDepth: 4, maxOpset: 23 };
export const MIN_OPSET = 7;
export const KNOWN_DOMAINS = ['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft'];

export type DeclaredDim = number | string | null;

export interface DeclaredValue {
  readonly name: string;
  /** TensorProto.DataType (1 = float32); 0 when not a tensor or unknown. */
  readonly elemType: number;
  /** null = the rank is not declared. */
  readonly dims: DeclaredDim[] | null;
}

export interface OnnxSummary {
  readonly irVersion: number;
  readonly opsets: Array<{ domain: string; version: number }>;
  readonly nodeCount: number;
  readonly operators: Record<string, number>;
  readonly initializerCount: number;
  readonly parameterCount: number;
  /** Graph inputs that are not initializers: what the caller feeds. */
  readonly inputs: DeclaredValue[];
  readonly outputs: DeclaredValue[];
}

interface Walk {
  readonly limits: InspectLimits;
  nodes: number;
  parameters: number;
  initializers: number;
  operators: Record<string, number>;
}

const elementsOf = (dims: readonly number[]) => dims.reduce((n, d) => n * Math.max(d, 0), 1);

function checkTensorSize(walk: Walk, name: string, dims: readonly number[], what: string): number {
  const elements = elementsOf(dims);
  if (elements > walk.limits.maxTensorElements) {
    throw new ModelProblem(
      'TENSOR_TOO_LARGE',
      `${what} "${name}" declares ${dims.join('x')} = ${elements.toExponential(2)} elements, more than the limit of ${walk.limits.maxTensorElements} (${(walk.limits.maxTensorElements * 4) / 2 ** 30} GiB of float32)`,
    );
  }
  return elements;
}

/** TensorProto: dims (1), data_type (2), name (8), external_data (13), data_location (14). */
function tensor(walk: Walk, bytes: Uint8Array, what: string): number {
  let name = '';
  const dims: number[] = [];
  let external = false;
  forEachField(bytes, (field, value) => {
    if (field === 1) dims.push(...varints(value));
    else if (field === 8) name = text(value);
    else if (field === 13) external = true;
    else if (field === 14 && integer(value) === 1) external = true;
  });
  if (external) {
    throw new ModelProblem('EXTERNAL_DATA', `${what} "${name}" is stored in an external file; export the model with all weights inside the .onnx file (onnx.save(model, path, save_as_external_data=False))`);
  }
  return checkTensorSize(walk, name, dims, what);
}

/** SparseTensorProto: values (1) and indices (2) are tensors, dims (3) the dense shape. */
function sparseTensor(walk: Walk, bytes: Uint8Array, what: string): number {
  let elements = 0;
  forEachField(bytes, (field, value) => {
    if (field === 1 || field === 2) elements += tensor(walk, (value as { bytes: Uint8Array }).bytes, what);
    else if (field === 3) checkTensorSize(walk, '(sparse)', varints(value), what);
  });
  return elements;
}

/** ValueInfoProto → TypeProto (2) → tensor_type (1) → elem_type (1), shape (2) → dim (1) → dim_value (1) | dim_param (2). */
function declaredValue(walk: Walk | undefined, bytes: Uint8Array): DeclaredValue {
  let name = '';
  let elemType = 0;
  let dims: DeclaredDim[] | null = null;
  forEachField(bytes, (field, value) => {
    if (field === 1) name = text(value);
    else if (field === 2 && value.wire === 2) {
      forEachField(value.bytes, (typeField, typeValue) => {
        if (typeField !== 1 || typeValue.wire !== 2) return;
        forEachField(typeValue.bytes, (tensorField, tensorValue) => {
          if (tensorField === 1) elemType = integer(tensorValue);
          else if (tensorField === 2 && tensorValue.wire === 2) {
            dims = [];
            forEachField(tensorValue.bytes, (shapeField, dimValue) => {
              if (shapeField !== 1 || dimValue.wire !== 2) return;
              let dim: DeclaredDim = null;
              forEachField(dimValue.bytes, (dimField, v) => {
                if (dimField === 1) dim = integer(v);
                else if (dimField === 2) dim = text(v);
              });
              dims!.push(dim);
            });
          }
        });
      });
    }
  });
  const declared: DeclaredValue = { name, elemType, dims };
  if (walk && dims) {
    const fixed = (dims as DeclaredDim[]).filter((d): d is number => typeof d === 'number');
    checkTensorSize(walk, name, fixed, 'value');
  }
  return declared;
}

/** AttributeProto: t (5), g (6), tensors (10), graphs (11), sparse_tensor (22), sparse_tensors (23). */
function attribute(walk: Walk, bytes: Uint8Array, depth: number): void {
  forEachField(bytes, (field, value) => {
    if (value.wire !== 2) return;
    if (field === 5 || field === 10) walk.parameters += tensor(walk, value.bytes, 'constant');
    else if (field === 22 || field === 23) walk.parameters += sparseTensor(walk, value.bytes, 'sparse constant');
    else if (field === 6 || field === 11) graph(walk, value.bytes, depth + 1);
  });
}

/** NodeProto: op_type (4), attribute (5), domain (7). */
function node(walk: Walk, bytes: Uint8Array, depth: number): void {
  if (++walk.nodes > walk.limits.maxNodes) {
    throw new ModelProblem('TOO_MANY_NODES', `the model has more than ${walk.limits.maxNodes} nodes (subgraphs and functions included), the platform's limit`);
  }
  let op = '?';
  let domain = '';
  forEachField(bytes, (field, value) => {
    if (field === 4) op = text(value);
    else if (field === 7) domain = text(value);
    else if (field === 5 && value.wire === 2) attribute(walk, value.bytes, depth);
  });
  const key = domain && domain !== 'ai.onnx' ? `${domain}.${op}` : op;
  walk.operators[key] = (walk.operators[key] ?? 0) + 1;
}

/** GraphProto: node (1), initializer (5), input (11), output (12), value_info (13), sparse_initializer (15). */
function graph(walk: Walk, bytes: Uint8Array, depth: number): { inputs: DeclaredValue[]; outputs: DeclaredValue[]; initializerNames: Set<string> } {
  if (depth > walk.limits.maxGraphDepth) {
    throw new ModelProblem('GRAPH_TOO_DEEP', `subgraphs are nested more than ${walk.limits.maxGraphDepth} deep`);
  }
  const inputs: DeclaredValue[] = [];
  const outputs: DeclaredValue[] = [];
  const initializerNames = new Set<string>();
  forEachField(bytes, (field, value) => {
    if (value.wire !== 2) return;
    if (field === 1) node(walk, value.bytes, depth);
    else if (field === 5) {
      walk.initializers++;
      walk.parameters += tensor(walk, value.bytes, 'initializer');
      forEachField(value.bytes, (f, v) => {
        if (f === 8) initializerNames.add(text(v));
      });
    } else if (field === 15) {
      walk.initializers++;
      walk.parameters += sparseTensor(walk, value.bytes, 'sparse initializer');
    } else if (field === 11) inputs.push(declaredValue(walk, value.bytes));
    else if (field === 12) outputs.push(declaredValue(walk, value.bytes));
    else if (field === 13) declaredValue(walk, value.bytes);
  });
  return { inputs, outputs, initializerNames };
}

/** FunctionProto: node (7). */
function functionProto(walk: Walk, bytes: Uint8Array): void {
  forEachField(bytes, (field, value) => {
    if (field === 7 && value.wire === 2) node(walk, value.bytes, 1);
  });
}

export function inspectOnnx(bytes: Uint8Array, limits: InspectLimits = DEFAULT_INSPECT_LIMITS): OnnxSummary {
  const walk: Walk = { limits, nodes: 0, parameters: 0, initializers: 0, operators: {} };
  let irVersion = 0;
  const opsets: Array<{ domain: string; version: number }> = [];
  let main: ReturnType<typeof graph> | undefined;
  try {
    forEachField(bytes, (field: number, value: FieldValue) => {
      if (field === 1) irVersion = integer(value);
      else if (field === 7 && value.wire === 2) main = graph(walk, value.bytes, 0);
      else if (field === 8 && value.wire === 2) {
        let domain = '';
        let version = 0;
        forEachField(value.bytes, (f, v) => {
          if (f === 1) domain = text(v);
          else if (f === 2) version = integer(v);
        });
        opsets.push({ domain, version });
      } else if (field === 25 && value.wire === 2) functionProto(walk, value.bytes);
    });
  } catch (error) {
    if (error instanceof ProtobufError) throw new ModelProblem('NOT_ONNX', `the file is not an ONNX model (it does not parse as an ONNX protobuf: ${error.message})`);
    throw error;
  }
  if (!main || irVersion < 1 || opsets.length === 0) {
    throw new ModelProblem('NOT_ONNX', `the file is not an ONNX model (${!main ? 'no graph' : irVersion < 1 ? 'no IR version' : 'no opset import'} found); export it with torch.onnx.export or onnx.save`);
  }
  for (const o of opsets) {
    if (!KNOWN_DOMAINS.includes(o.domain)) {
      throw new ModelProblem('UNSUPPORTED_OPSET', `operator domain "${o.domain}" is not supported (custom operators cannot run here); use only ${KNOWN_DOMAINS.map((d) => `"${d || 'ai.onnx'}"`).join(', ')}`);
    }
    if ((o.domain === '' || o.domain === 'ai.onnx') && (o.version < MIN_OPSET || o.version > limits.maxOpset)) {
      throw new ModelProblem('UNSUPPORTED_OPSET', `opset ${o.version} is not supported; export with an opset from ${MIN_OPSET} to ${limits.maxOpset} (e.g. torch.onnx.export(..., opset_version=17))`);
    }
  }
  const graphInfo = main as ReturnType<typeof graph>;
  return {
    irVersion,
    opsets,
    nodeCount: walk.nodes,
    operators: walk.operators,
    initializerCount: walk.initializers,
    parameterCount: walk.parameters,
    inputs: graphInfo.inputs.filter((i) => !graphInfo.initializerNames.has(i.name)),
    outputs: graphInfo.outputs,
  };
}
