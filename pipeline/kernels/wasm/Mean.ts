/**
 * A faster Mean for tfjs's wasm backend when the reduced axes are the leading ones: the
 * per-channel batch moments of BatchNormalization (mean over N, H, W of an NHWC activation, twice
 * per layer per step). wasm's kernel first transposes the reduced axes innermost (a full copy of
 * the activation) and then averages rows, ~28 ms for a [128, 28, 28, 32] input; this one sums the
 * [R, C] view column-wise in place (float64, see Sum.ts) and divides once. Every other case goes
 * to wasm's original.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sumRows } from './Sum.ts';
import { f32, originalKernel, runWasm, type WasmKernelArgs } from './util.ts';

/** Same contract as tfjs's Mean (axis, keepDims). */
export function mean(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const { axis, keepDims } = (args.attrs ?? {}) as unknown as tf.MeanAttrs;
  const x = inputs.x as tf.TensorInfo;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  const R = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
  const C = tf.util.sizeFromShape(x.shape.slice(axes.length));
  if (x.dtype !== 'float32' || !leading || R < 2 || C === 0) {
    if (!originalKernel(tf.Mean)) throw new Error('Mean (wasm): the original wasm kernel was not saved');
    return runWasm(tf.Mean, backend, inputs, args.attrs);
  }
  const outShape = keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
  const out = backend.makeOutput(outShape, 'float32');
  const acc = sumRows(f32(backend, x), R, C);
  const ov = f32(backend, out);
  for (let c = 0; c < C; c++) ov[c] = acc[c]! / R;
  return out;
}

export const meanConfig: tf.KernelConfig = {
  kernelName: tf.Mean,
  backendName: 'wasm',
  kernelFunc: mean as unknown as tf.KernelFunc,
};
