/**
 * A faster BatchMatMul for tfjs's wasm backend. wasm's kernel reaches XNNPACK only when neither
 * operand is transposed and both have batch 1; every other case (including both matmuls of every
 * Dense layer's backward pass: x^T·dy and dy·W^T) runs a scalar blocked C++ loop. This wrapper
 * rewrites those cases into the XNNPACK one:
 *
 * - transposeA / transposeB: materialise the transpose with wasm's Transpose kernel first
 *   (O(size) against the O(M·N·K) product);
 * - a batched, b unbatched (after any transpose): fold a's batch into its rows.
 *
 * Anything else (both operands batched) goes to wasm's original kernel.
 *
 * Products large enough to amortise a native call (see ./gemm.ts) run on
 * onnxruntime-node's MLAS GEMM instead (../native/ort-sync.ts: AVX2/AVX-512 FMA against wasm's
 * 128-bit SIMD), transposes included, whenever it can load.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dispose, f32, reshapeInfo, runOriginal, runWasm, type WasmKernelArgs } from './util.ts';
import { nativeGemm } from '../native/ort-gemm.ts';
import { useNativeGemm } from './gemm.ts';

const callOriginal = (args: WasmKernelArgs): tf.TensorInfo => runOriginal(tf.BatchMatMul, args);

/** Same contract as tfjs's BatchMatMul (float32 a, b, transposeA/B, broadcast batch dims). */
export function batchMatMul(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const { transposeA, transposeB } = (args.attrs ?? {}) as unknown as tf.BatchMatMulAttrs;
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || batchB !== 1 || aRank < 2 || bRank < 2) return callOriginal(args);
  if (transposeA && batchA !== 1) return callOriginal(args);

  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  if (k !== kB) return callOriginal(args); // let the original raise its usual error
  if (!transposeA && !transposeB && batchA === 1 && !useNativeGemm(m, k, n)) return callOriginal(args);
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
  if (m === 0 || n === 0 || k === 0) return callOriginal(args);

  // a's batch folds into its rows when a is not transposed (b is unbatched here).
  const rows = transposeA ? m : batchA * m;
  if (useNativeGemm(rows, k, n)) {
    const out = backend.makeOutput(outShape, 'float32');
    if (nativeGemm(f32(backend, a), f32(backend, b), rows, k, n, !!transposeA, !!transposeB, f32(backend, out))) return out;
    dispose(backend, out);
  }

  const temps: tf.TensorInfo[] = [];
  let a3: tf.TensorInfo;
  if (transposeA) {
    const a2 = reshapeInfo(backend, a, [k, m]);
    const aT = runWasm('Transpose', backend, { x: a2 }, { perm: [1, 0] });
    a3 = reshapeInfo(backend, aT, [1, m, k]);
    temps.push(a2, aT, a3);
  } else {
    a3 = reshapeInfo(backend, a, [1, batchA * m, k]);
    temps.push(a3);
  }
  let b3: tf.TensorInfo;
  if (transposeB) {
    const b2 = reshapeInfo(backend, b, [n, k]);
    const bT = runWasm('Transpose', backend, { x: b2 }, { perm: [1, 0] });
    b3 = reshapeInfo(backend, bT, [1, k, n]);
    temps.push(b2, bT, b3);
  } else {
    b3 = reshapeInfo(backend, b, [1, k, n]);
    temps.push(b3);
  }
  const prod = runWasm(tf.BatchMatMul, backend, { a: a3, b: b3 }, { transposeA: false, transposeB: false });
  const out = reshapeInfo(backend, prod, outShape);
  dispose(backend, prod, ...temps);
  return out;
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
