/**
 * Does a model's declared interface fit its manifest? Carina feeds one float32 tensor [1, C, …patchSize] (C = the
 * manifest's channels, the spatial dimensions in the layout's order) and reads one float32 tensor
 * [1, outputChannels, …patchSize]. Dimensions the model leaves open (named or absent) fit anything. Pure: checks
 * what onnx-inspect.ts found; the validation run then checks what the model really returns.
 */
import type { DeclaredDim, DeclaredValue, OnnxSummary } from './onnx/onnx-inspect.ts';
import type { ModelManifest } from './manifest.ts';

const FLOAT32 = 1;

export interface InterfaceProblem {
  readonly code: 'WRONG_INPUTS' | 'WRONG_INPUT_RANK' | 'WRONG_INPUT_SHAPE' | 'WRONG_INPUT_TYPE' | 'WRONG_OUTPUT_RANK' | 'WRONG_OUTPUT_SHAPE' | 'WRONG_OUTPUT_TYPE';
  readonly message: string;
}

export function expectedInputDims(m: ModelManifest): number[] {
  return [1, m.input.channels.length, ...m.input.patchSize];
}

export function expectedOutputDims(m: ModelManifest): number[] {
  return [1, m.output.channels, ...m.input.patchSize];
}

const show = (dims: readonly DeclaredDim[]) => `[${dims.map((d) => (d === null ? '?' : typeof d === 'string' ? `"${d}"` : d)).join(', ')}]`;

function shapeProblem(value: DeclaredValue, expected: number[], what: 'input' | 'output', m: ModelManifest): InterfaceProblem | undefined {
  const Code = what === 'input' ? ('WRONG_INPUT' as const) : ('WRONG_OUTPUT' as const);
  if (value.elemType !== 0 && value.elemType !== FLOAT32) {
    return { code: `${Code}_TYPE`, message: `the model's ${what} "${value.name}" has element type ${value.elemType}; Carina exchanges float32 tensors (type 1)` };
  }
  if (!value.dims) return undefined;
  const layout = `${m.input.layout}: batch, channels, then the patch ${m.input.patchSize.join('x')}`;
  if (value.dims.length !== 5) {
    return {
      code: `${Code}_RANK`,
      message: `the model's ${what} "${value.name}" has rank ${value.dims.length} ${show(value.dims)}; Carina ${what === 'input' ? 'feeds' : 'reads'} 5-dimensional tensors ${show(expected)} (${layout})`,
    };
  }
  const wrong = value.dims.findIndex((d, i) => typeof d === 'number' && d > 0 && d !== expected[i]);
  if (wrong >= 0) {
    const axis = ['batch', 'channels', 'first spatial', 'second spatial', 'third spatial'][wrong];
    return {
      code: `${Code}_SHAPE`,
      message: `the model's ${what} "${value.name}" is declared ${show(value.dims)}, but the manifest makes it ${show(expected)} (${layout}): the ${axis} dimension differs; fix the manifest's ${wrong === 1 ? (what === 'input' ? 'input.channels' : 'output.channels') : wrong === 0 ? 'batch (must be 1)' : 'input.patchSize'} or export the model with that size`,
    };
  }
  return undefined;
}

export function interfaceProblems(summary: OnnxSummary, m: ModelManifest): InterfaceProblem[] {
  if (summary.inputs.length !== 1) {
    return [{ code: 'WRONG_INPUTS', message: `the model takes ${summary.inputs.length} inputs (${summary.inputs.map((i) => `"${i.name}"`).join(', ') || 'none'}); Carina feeds exactly one, the CT patch` }];
  }
  if (summary.outputs.length < 1) return [{ code: 'WRONG_OUTPUT_RANK', message: 'the model declares no output' }];
  const problems: InterfaceProblem[] = [];
  const input = shapeProblem(summary.inputs[0], expectedInputDims(m), 'input', m);
  if (input) problems.push(input);
  const output = shapeProblem(summary.outputs[0], expectedOutputDims(m), 'output', m);
  if (output) problems.push(output);
  return problems;
}
