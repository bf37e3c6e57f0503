/**
 * UnsortedSegmentSum for tfjs's wasm backend (missing there; it is the gradient of Gather, so
 * without it no Embedding layer can train on wasm).
 */
import * as tf from '@tensorflow/tfjs-core';
import { f32, i32, type WasmKernelArgs } from './util.ts';

/**
 * out[s, ...] = Σ_{i : segmentIds[i] = s} x[i, ...] for s in [0, numSegments); ids outside
 * that range are dropped (as TensorFlow and tfjs-cpu do). segmentIds may have any rank r ≤ rank(x)
 * and must equal x's first r dims; the result is [numSegments, ...x.shape.slice(r)] in x's dtype
 * (float32 or int32).
 */
export function unsortedSegmentSum(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const { numSegments } = (args.attrs ?? {}) as unknown as tf.UnsortedSegmentSumAttrs;
  const x = inputs.x as tf.TensorInfo;
  const ids = inputs.segmentIds as tf.TensorInfo;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum (wasm): unsupported dtype ${x.dtype}`);
  if (ids.dtype !== 'int32') throw new Error(`UnsortedSegmentSum (wasm): segmentIds must be int32, got ${ids.dtype}`);
  const r = ids.shape.length;
  for (let d = 0; d < r; d++) {
    if (ids.shape[d] !== x.shape[d]) {
      throw new Error(`UnsortedSegmentSum (wasm): segmentIds shape [${ids.shape}] is not a prefix of x shape [${x.shape}]`);
    }
  }
  const inner = tf.util.sizeFromShape(x.shape.slice(r));
  const n = tf.util.sizeFromShape(ids.shape);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(r)], x.dtype);
  // Views are taken after the allocation above: growing the heap detaches older views.
  const xv = x.dtype === 'int32' ? i32(backend, x) : f32(backend, x);
  const iv = i32(backend, ids);
  const ov = out.dtype === 'int32' ? i32(backend, out) : f32(backend, out);
  ov.fill(0);
  for (let i = 0; i < n; i++) {
    const s = iv[i];
    if (s < 0 || s >= numSegments) continue;
    let src = i * inner;
    let dst = s * inner;
    for (let j = 0; j < inner; j++) ov[dst++] += xv[src++];
  }
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
