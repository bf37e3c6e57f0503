/**
 * _FusedMatMul (Dense layers: x·W + b, then an activation) for tfjs's wasm backend on the native
 * GEMM when the product is large enough; wasm's own XNNPACK kernel keeps everything else
 * (batched operands, PReLU, non-float32, small products, no native GEMM).
 */
import * as tf from '@tensorflow/tfjs-core';
import { dispose, f32, runOriginal, type WasmKernelArgs } from './util.ts';
import { useNativeGemm } from './gemm.ts';
import { nativeGemm, NATIVE_ACTIVATIONS, type NativeActivation } from '../native/ort-gemm.ts';

/** Same contract as tfjs's _FusedMatMul. */
export function fusedMatMul(args: WasmKernelArgs): tf.TensorInfo {
  const { backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf._FusedMatMulAttrs;
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const activation = attrs.activation ?? 'linear';
  const aRank = a!.shape.length;
  const bRank = b!.shape.length;
  const batchA = tf.util.sizeFromShape(a!.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b!.shape.slice(0, -2));
  // b unbatched; a's batch folds into its rows unless a is transposed.
  const ok =
    a!.dtype === 'float32' && b!.dtype === 'float32' && aRank >= 2 && bRank >= 2 && batchB === 1 && (batchA === 1 || !attrs.transposeA) && !preluActivationWeights && NATIVE_ACTIVATIONS.includes(activation);
  if (ok) {
    const m = attrs.transposeA ? a!.shape[aRank - 1]! : a!.shape[aRank - 2]!;
    const k = attrs.transposeA ? a!.shape[aRank - 2]! : a!.shape[aRank - 1]!;
    const n = attrs.transposeB ? b!.shape[bRank - 2]! : b!.shape[bRank - 1]!;
    const kB = attrs.transposeB ? b!.shape[bRank - 1]! : b!.shape[bRank - 2]!;
    const biasOk = !bias || (bias.dtype === 'float32' && tf.util.sizeFromShape(bias.shape) === n);
    const rows = batchA * m;
    if (k === kB && biasOk && m > 0 && n > 0 && k > 0 && useNativeGemm(rows, k, n)) {
      const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(a!.shape.slice(0, -2), b!.shape.slice(0, -2)), m, n];
      const out = backend.makeOutput(outShape, 'float32');
      const ran = nativeGemm(f32(backend, a!), f32(backend, b!), rows, k, n, !!attrs.transposeA, !!attrs.transposeB, f32(backend, out), {
        activation: activation as NativeActivation,
        leakyreluAlpha: attrs.leakyreluAlpha,
        ...(bias ? { bias: f32(backend, bias) } : {}),
      });
      if (ran) return out;
      dispose(backend, out);
    }
  }
  return runOriginal(tf._FusedMatMul, args);
}

export const fusedMatMulConfig: tf.KernelConfig = { kernelName: tf._FusedMatMul, backendName: 'wasm', kernelFunc: fusedMatMul as unknown as tf.KernelFunc };
