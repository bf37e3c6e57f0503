/**
 * Zero-copy Identity (and same-dtype Cast) for tfjs's wasm backend. wasm's kernels copy the whole
 * tensor into a new heap buffer; tfjs tensors are immutable, so tfjs-cpu and webgl instead hand
 * back the same data with its reference count raised, as wasm's own Reshape does. A training step
 * of the digits CNN calls Identity ~130 times (gradient bookkeeping, tfjs-layers' Activation and
 * Dropout in training) and Cast(float32 → float32) ~20 times (tf.moments), mostly on whole
 * activations: ~30 ms of copies per step at batch 128.
 */
import * as tf from '@tensorflow/tfjs-core';
import { numericView, runOriginal, type WasmKernelArgs } from './util.ts';

/** The same data under a new TensorInfo (refcounted), for every dtype but string. */
function alias(args: WasmKernelArgs, kernelName: string): tf.TensorInfo {
  const { inputs, backend } = args;
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype === 'string' || x.dtype === 'complex64') {
    return runOriginal(kernelName, args);
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Same contract as tfjs's Identity. */
export function identity(args: WasmKernelArgs): tf.TensorInfo {
  return alias(args, tf.Identity);
}

/**
 * Same contract as tfjs's Cast: zero-copy when the dtype does not change; to bool, `x != 0` (wasm's
 * own copies the values into bytes, so -2.7 became 254 and 256 became false); wasm's original
 * otherwise.
 */
export function cast(args: WasmKernelArgs): tf.TensorInfo {
  const { dtype } = (args.attrs ?? {}) as unknown as tf.CastAttrs;
  const x = args.inputs.x as tf.TensorInfo;
  if (dtype === x.dtype) return alias(args, tf.Cast);
  if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
    const out = args.backend.makeOutput(x.shape, 'bool');
    const xv = numericView(args.backend, x)!;
    const ov = numericView(args.backend, out)!;
    for (let i = 0; i < xv.length; i++) ov[i] = xv[i] !== 0 ? 1 : 0;
    return out;
  }
  return runOriginal(tf.Cast, args);
}

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as tf.KernelFunc,
};

export const castConfig: tf.KernelConfig = {
  kernelName: tf.Cast,
  backendName: 'wasm',
  kernelFunc: cast as unknown as tf.KernelFunc,
};
