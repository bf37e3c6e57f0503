/**
 * A faster Mean for tfjs's wasm backend when the reduced axes are the leading ones: the
 * per-channel batch moments of BatchNormalization (mean over N, H, W of an NHWC activation, twice
 * per layer per step). wasm's kernel first transposes the reduced axes innermost (a full copy of
 * the activation) and then averages rows, ~28 ms for a [128, 28, 28, 32] input; this one sums the
 * [R, C] view column-wise in place (float64, see Sum.ts) and divides once. Every other case goes
 * to wasm's original.
 */
import * as tf from '@tensorflow/tfjs-core';
import { reduceLeadingAxes } from './Sum.ts';
import type { WasmKernelArgs } from './util.ts';

/** Same contract as tfjs's Mean (axis, keepDims). */
export function mean(args: WasmKernelArgs): tf.TensorInfo {
  return reduceLeadingAxes(args, tf.Mean, true);
}

export const meanConfig: tf.KernelConfig = {
  kernelName: tf.Mean,
  backendName: 'wasm',
  kernelFunc: mean as unknown as tf.KernelFunc,
};
