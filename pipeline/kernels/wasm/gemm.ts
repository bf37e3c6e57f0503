/**
 * A 2-D matrix product of wasm tensors for onnxline's kernels: onnxruntime's native MLAS GEMM
 * when it is available and the product is large enough, else wasm's XNNPACK BatchMatMul.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { dispose, f32, reshapeInfo, runWasm, type BackendWasm } from './util.ts';
import { nativeGemm } from '../native/ort-gemm.ts';
import { nativeUnavailable } from '../native/ort-sync.ts';

/** Below this many multiply-adds wasm's own kernel beats the fixed cost of a native call. */
export const NATIVE_MIN_FLOPS = 1 << 18;

/** True when an m×k×n product should run on the native GEMM. */
export function useNativeGemm(m: number, k: number, n: number): boolean {
  return m * k * n >= NATIVE_MIN_FLOPS && nativeUnavailable() === null;
}

/**
 * A new [m, n] float32 tensor = a · b for a [m, k] and b [k, n] (any shapes of those sizes;
 * row-major, no transposes). The inputs are not disposed.
 */
export function gemm2d(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, m: number, k: number, n: number): tf.TensorInfo {
  if (useNativeGemm(m, k, n)) {
    const out = backend.makeOutput([m, n], 'float32');
    if (nativeGemm(f32(backend, a), f32(backend, b), m, k, n, false, false, f32(backend, out))) return out;
    dispose(backend, out);
  }
  const a3 = reshapeInfo(backend, a, [1, m, k]);
  const b3 = reshapeInfo(backend, b, [1, k, n]);
  const prod = runWasm('BatchMatMul', backend, { a: a3, b: b3 }, { transposeA: false, transposeB: false });
  const out = reshapeInfo(backend, prod, [m, n]);
  dispose(backend, a3, b3, prod);
  return out;
}
