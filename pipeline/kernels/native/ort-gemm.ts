/**
 * Matrix products on onnxruntime's native GEMM (see ort-sync.ts): op(a)·op(b) + bias, then an
 * activation, in one cached single-Gemm graph per shape.
 */
import { Graph, DataType, attr } from '../../export/graph.ts';
import { runNative } from './ort-sync.ts';

/** Activations a native kernel can apply to its output (tfjs's fused-kernel names). */
export type NativeActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu';
export const NATIVE_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'];

/** A bias per output column (or channel) and an activation after it. */
export interface Epilogue {
  bias?: Float32Array;
  activation?: NativeActivation;
  leakyreluAlpha?: number;
}

/** A cache-key fragment for an epilogue's shape (not its values). */
export function epilogueKey(e: Epilogue): string {
  const act = e.activation ?? 'linear';
  return `${e.bias ? 'b' : ''}${act}${act === 'leakyrelu' ? (e.leakyreluAlpha ?? 0.2) : ''}`;
}

/** Appends the activation node(s) for `e` after value `x`; returns the activated value. */
export function addActivation(g: Graph, x: string, e: Epilogue): string {
  switch (e.activation ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return g.add('Relu', [x]);
    case 'relu6':
      return g.add('Clip', [x, g.addFloat('zero', [], [0]), g.addFloat('six', [], [6])]);
    case 'elu':
      return g.add('Elu', [x], { alpha: attr.float(1) });
    case 'sigmoid':
      return g.add('Sigmoid', [x]);
    case 'leakyrelu':
      return g.add('LeakyRelu', [x], { alpha: attr.float(e.leakyreluAlpha ?? 0.2) });
  }
}

/**
 * out[m×n] = act(op(a) · op(b) + bias), where op transposes when asked: a is [m,k] (or [k,m] with
 * transA), b is [k,n] (or [n,k] with transB), bias [n], all row-major float32. False when it did
 * not run natively (see runNative): the caller computes it another way.
 */
export function nativeGemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean, out: Float32Array, e: Epilogue = {}): boolean {
  const key = `gemm:${m},${k},${n},${transA ? 1 : 0}${transB ? 1 : 0},${epilogueKey(e)}`;
  const build = () => {
    const g = new Graph();
    const inputs: Record<string, number[]> = { a: transA ? [k, m] : [m, k], b: transB ? [n, k] : [k, n], ...(e.bias ? { bias: [n] } : {}) };
    for (const [name, shape] of Object.entries(inputs)) g.inputs.push({ name, dataType: DataType.FLOAT, shape });
    const product = g.add('Gemm', e.bias ? ['a', 'b', 'bias'] : ['a', 'b'], { transA: attr.int(transA ? 1 : 0), transB: attr.int(transB ? 1 : 0) });
    g.addNode('Identity', [addActivation(g, product, e)], {}, { outputs: ['y'] });
    g.outputs.push({ name: 'y', dataType: DataType.FLOAT, shape: [m, n] });
    return { graph: g, inputs };
  };
  return runNative(key, build, { a, b, ...(e.bias ? { bias: e.bias } : {}) }, out.subarray(0, m * n));
}
