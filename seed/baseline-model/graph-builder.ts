/** A small helper to write ONNX graphs as code: each call adds one node and returns its output's name. */
import type { AttributeValue, NodeSpec, TensorSpec } from './onnx-writer.ts';

export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];
  private counter = 0;

  constructor(private readonly prefix = '') {}

  op(op: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, name?: string): string {
    const output = name ?? `${this.prefix}${op.toLowerCase()}_${++this.counter}`;
    this.nodes.push({ op, inputs, outputs: [output], attributes, name: `${output}_node` });
    return output;
  }

  constant(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    this.initializers.push({ name: this.prefix + name, dims, floats: Float32Array.from(values) });
    return this.prefix + name;
  }

  int64s(name: string, values: readonly number[]): string {
    this.initializers.push({ name: this.prefix + name, dims: [values.length], int64s: values });
    return this.prefix + name;
  }
}
