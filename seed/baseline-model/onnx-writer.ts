/**
 * Writes ONNX models (onnx.proto, IR version 8) from a small in-memory graph description: enough for the
 * baseline model and for the test models that exercise upload validation (wrong ranks, huge declared tensors,
 * NaN outputs, endless loops). Field numbers are those of onnx/onnx.proto.
 */
import { ProtoWriter } from './protobuf-writer.ts';

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** A dimension: a fixed size, or a name for a size given at run time. */
export type Dim = number | string;

export type AttributeValue =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly string: string }
  | { readonly tensor: TensorSpec }
  | { readonly graph: GraphSpec };

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface TensorSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType?: number;
  /** float32 values (raw little-endian), int64 values, or nothing (a declaration only: an invalid model). */
  readonly floats?: Float32Array;
  readonly int64s?: readonly number[];
  /** Any other data as raw little-endian bytes (e.g. BOOL: one byte per element, with `dataType` 9). */
  readonly raw?: Uint8Array;
  /** Marks the tensor as stored in an external file (which upload validation must refuse). */
  readonly externalLocation?: string;
}

export interface ValueSpec {
  readonly name: string;
  readonly dims: readonly Dim[];
  readonly elemType?: number;
}

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  readonly initializers?: readonly TensorSpec[];
  readonly valueInfo?: readonly ValueSpec[];
}

export interface ModelSpec {
  readonly graph: GraphSpec;
  /** Default-domain opset version (default 17). */
  readonly opset?: number;
  readonly extraOpsets?: ReadonlyArray<{ domain: string; version: number }>;
  readonly producer?: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

function tensorProto(t: TensorSpec): ProtoWriter {
  const w = new ProtoWriter();
  w.packedInts(1, t.dims);
  w.int(2, t.dataType ?? (t.int64s ? ONNX_INT64 : ONNX_FLOAT));
  w.string(8, t.name);
  if (t.floats) w.bytes(9, new Uint8Array(t.floats.buffer, t.floats.byteOffset, t.floats.byteLength));
  if (t.int64s) w.packedInts(7, t.int64s);
  if (t.raw) w.bytes(9, t.raw);
  if (t.externalLocation) {
    w.message(13, new ProtoWriter().string(1, 'location').string(2, t.externalLocation));
    w.int(14, 1);
  }
  return w;
}

function valueInfo(v: ValueSpec): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, v.elemType ?? ONNX_FLOAT).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function attribute(name: string, value: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if ('int' in value) return w.int(20, 2).int(3, value.int);
  if ('float' in value) return w.int(20, 1).float(2, value.float);
  if ('ints' in value) return w.int(20, 7).packedInts(8, value.ints);
  if ('floats' in value) return w.int(20, 6).packedFloats(7, value.floats);
  if ('string' in value) return w.int(20, 3).string(4, value.string);
  if ('tensor' in value) return w.int(20, 4).message(5, tensorProto(value.tensor));
  return w.int(20, 5).message(6, graphProto(value.graph));
}

function nodeProto(n: NodeSpec, index: number): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name ?? `${n.op.toLowerCase()}_${index}`);
  w.string(4, n.op);
  for (const [name, value] of Object.entries(n.attributes ?? {})) w.message(5, attribute(name, value));
  if (n.domain) w.string(7, n.domain);
  return w;
}

function graphProto(g: GraphSpec): ProtoWriter {
  const w = new ProtoWriter();
  g.nodes.forEach((n, i) => w.message(1, nodeProto(n, i)));
  w.string(2, g.name);
  for (const t of g.initializers ?? []) w.message(5, tensorProto(t));
  for (const v of g.inputs) w.message(11, valueInfo(v));
  for (const v of g.outputs) w.message(12, valueInfo(v));
  for (const v of g.valueInfo ?? []) w.message(13, valueInfo(v));
  return w;
}

export function encodeModel(spec: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8); // IR version 8 (ONNX 1.10+), read by every onnxruntime since 1.10
  w.string(2, spec.producer ?? 'carina');
  w.string(3, '1');
  if (spec.docString) w.string(6, spec.docString);
  w.message(7, graphProto(spec.graph));
  w.message(8, new ProtoWriter().string(1, '').int(2, spec.opset ?? 17));
  for (const o of spec.extraOpsets ?? []) w.message(8, new ProtoWriter().string(1, o.domain).int(2, o.version));
  for (const [key, value] of Object.entries(spec.metadata ?? {})) w.message(14, new ProtoWriter().string(1, key).string(2, value));
  return w.finish();
}
