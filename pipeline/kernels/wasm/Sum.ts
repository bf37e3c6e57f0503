/**
 * A faster Sum for tfjs's wasm backend when the reduced axes are the leading ones (the bias
 * gradient of every Conv2D/Dense layer: Σ over batch, height, width). wasm's kernel first
 * transposes the input so the reduced axes are innermost (a full copy of, e.g., a
 * [128, 26, 26, 32] activation gradient) and then sums rows; this one sums the [R, C] view
 * column-wise in place, with float64 accumulators. Every other case goes to wasm's original.
 */
import * as tf from '@tensorflow/tfjs-core';
import { f32, originalKernel, runWasm, type WasmKernelArgs } from './util.ts';

/** Same contract as tfjs's Sum (axis, keepDims). */
export function sum(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const { axis, keepDims } = (args.attrs ?? {}) as unknown as tf.SumAttrs;
  const x = inputs.x as tf.TensorInfo;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  const R = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
  const C = tf.util.sizeFromShape(x.shape.slice(axes.length));
  if (x.dtype !== 'float32' || !leading || R < 2 || C === 0) {
    if (!originalKernel(tf.Sum)) throw new Error('Sum (wasm): the original wasm kernel was not saved');
    return runWasm(tf.Sum, backend, inputs, args.attrs);
  }
  const outShape = keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
  const out = backend.makeOutput(outShape, 'float32');
  const xv = f32(backend, x);
  const acc = new Float64Array(C);
  for (let r = 0, base = 0; r < R; r++, base += C) {
    for (let c = 0; c < C; c++) acc[c] += xv[base + c];
  }
  f32(backend, out).set(acc);
  return out;
}

export const sumConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  kernelFunc: sum as unknown as tf.KernelFunc,
};
