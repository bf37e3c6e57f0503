/**
 * A one-pass FusedBatchNorm gradient for tfjs's wasm backend.
 *
 * tfjs-core's gradient for FusedBatchNorm (gradients/FusedBatchNorm_grad.ts) builds every result
 * from whole-activation ops: x − mean, dy · scale, a Tile of 1/√(var + ε) up to [N, H, W, C]
 * and two more products for dx, then three more products and a Sum each for d mean, d variance
 * and d scale — about ten passes over an [N, H, W, C] activation (plus the Tile), ~60 ms for the
 * first BatchNormalization of the digits CNN at batch 128. The math only ever needs, per channel
 * c, with k = 1/√(var + ε) and s = scale (1 without one):
 *
 *     dx       = dy · k · s                         (elementwise, same float32 rounding)
 *     d offset = Σ dy
 *     d scale  = k · Σ dy·(x − mean)
 *     d mean   = −k · s · Σ dy
 *     d var    = −½ k³ · s · Σ dy·(x − mean)
 *
 * so the kernel `OnnxlineBatchNormGrad` makes dx and the two sums (float64 accumulators) in one
 * pass over dy and x, and the rest are [C]-sized ops. The same results as tfjs-core's up to the
 * order of float32 rounding in the sums (tested against it on cpu).
 *
 * tfjs keeps one gradient per kernel name for all backends, so the replacement registered here
 * dispatches: on wasm (with the kernel registered) and for the per-channel case tfjs-layers'
 * BatchNormalization produces (x float32 of rank ≥ 2, mean/variance/scale of shape [C], C the last
 * dimension) it takes the fused path; everywhere else — other backends, broadcast-shaped moments,
 * higher-order gradients of this gradient — it calls tfjs-core's original gradient unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
import { f32, gradientOverride, type WasmKernelArgs } from './util.ts';

export const BATCH_NORM_GRAD_KERNEL = 'OnnxlineBatchNormGrad';

/**
 * Inputs x, dy ([..., C] float32), mean, k, s ([C] float32; k = 1/√(var + ε), s = scale or ones).
 * Outputs [dx (x's shape), Σ dy ([C]), Σ dy·(x − mean) ([C])], sums over all leading axes.
 */
export function batchNormGrad(args: WasmKernelArgs): tf.TensorInfo[] {
  const { inputs, backend } = args;
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const mean = inputs.mean as tf.TensorInfo;
  const k = inputs.k as tf.TensorInfo;
  const s = inputs.s as tf.TensorInfo;
  const C = x.shape[x.shape.length - 1]!;
  const R = tf.util.sizeFromShape(x.shape) / C;
  const dxInfo = backend.makeOutput(x.shape, 'float32');
  const sumDyInfo = backend.makeOutput([C], 'float32');
  const sumDyXmuInfo = backend.makeOutput([C], 'float32');
  // views only after every allocation (the heap may grow)
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  const dx = f32(backend, dxInfo);
  const mv = f32(backend, mean);
  const kv = f32(backend, k);
  const sv = f32(backend, s);
  const sumDy = new Float64Array(C);
  const sumDyXmu = new Float64Array(C);
  const k32 = Float32Array.from(kv);
  const s32 = Float32Array.from(sv);
  const m32 = Float32Array.from(mv);
  // Rows in cache-sized chunks; within a chunk four channels at a time in local accumulators.
  // dx = (dy · k) · s with float32 rounding after each product, as tfjs-core's mul(mul(dy, k), s).
  const CHUNK = 256;
  const C4 = C - (C % 4);
  for (let r0 = 0; r0 < R; r0 += CHUNK) {
    const r1 = Math.min(R, r0 + CHUNK);
    for (let c = 0; c < C4; c += 4) {
      const k0 = k32[c]!, k1 = k32[c + 1]!, k2 = k32[c + 2]!, k3 = k32[c + 3]!;
      const q0 = s32[c]!, q1 = s32[c + 1]!, q2 = s32[c + 2]!, q3 = s32[c + 3]!;
      const m0 = m32[c]!, m1 = m32[c + 1]!, m2 = m32[c + 2]!, m3 = m32[c + 3]!;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let r = r0, i = r0 * C + c; r < r1; r++, i += C) {
        let g = dyv[i]!;
        a0 += g;
        b0 += g * Math.fround(xv[i]! - m0);
        dx[i] = Math.fround(g * k0) * q0;
        g = dyv[i + 1]!;
        a1 += g;
        b1 += g * Math.fround(xv[i + 1]! - m1);
        dx[i + 1] = Math.fround(g * k1) * q1;
        g = dyv[i + 2]!;
        a2 += g;
        b2 += g * Math.fround(xv[i + 2]! - m2);
        dx[i + 2] = Math.fround(g * k2) * q2;
        g = dyv[i + 3]!;
        a3 += g;
        b3 += g * Math.fround(xv[i + 3]! - m3);
        dx[i + 3] = Math.fround(g * k3) * q3;
      }
      sumDy[c] += a0;
      sumDy[c + 1] += a1;
      sumDy[c + 2] += a2;
      sumDy[c + 3] += a3;
      sumDyXmu[c] += b0;
      sumDyXmu[c + 1] += b1;
      sumDyXmu[c + 2] += b2;
      sumDyXmu[c + 3] += b3;
    }
    for (let c = C4; c < C; c++) {
      const kc = k32[c]!, qc = s32[c]!, mc = m32[c]!;
      let a = 0, b = 0;
      for (let r = r0, i = r0 * C + c; r < r1; r++, i += C) {
        const g = dyv[i]!;
        a += g;
        b += g * Math.fround(xv[i]! - mc);
        dx[i] = Math.fround(g * kc) * qc;
      }
      sumDy[c] += a;
      sumDyXmu[c] += b;
    }
  }
  f32(backend, sumDyInfo).set(sumDy);
  f32(backend, sumDyXmuInfo).set(sumDyXmu);
  return [dxInfo, sumDyInfo, sumDyXmuInfo];
}

export const batchNormGradConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: batchNormGrad as unknown as tf.KernelFunc,
};

const override = gradientOverride(tf.FusedBatchNorm, () => fusedGradConfig);

/** tfjs-core's FusedBatchNorm gradient, as it was before onnxline replaced it (if it did). */
export function originalBatchNormGradient(): tf.GradConfig | undefined {
  return override.original();
}

function fusedApplies(dy: tf.Tensor, x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor | undefined): boolean {
  if (tf.getBackend() !== 'wasm' || !tf.getKernel(BATCH_NORM_GRAD_KERNEL, 'wasm')) return false;
  const C = x.shape[x.rank - 1];
  if (x.rank < 2 || x.dtype !== 'float32' || dy.dtype !== 'float32' || !tf.util.arraysEqual(dy.shape, x.shape) || C === 0) return false;
  return [mean, variance, scale].every((t) => t == null || (t.rank === 1 && t.shape[0] === C && t.dtype === 'float32'));
}

const fusedGradConfig: tf.GradConfig = {
  kernelName: tf.FusedBatchNorm,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const dyT = dy as tf.Tensor;
    const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    if (!fusedApplies(dyT, x, mean, variance, scale)) return override.original()!.gradFunc(dy, saved, attrs);
    const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
    const C = x.shape[x.rank - 1]!;
    const k = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const s = scale ?? tf.ones([C]);
    const [dx, sumDy, sumDyXmu] = tf.engine().runKernel(BATCH_NORM_GRAD_KERNEL, { x, dy: dyT, mean, k, s }, {}) as tf.Tensor[];
    return {
      x: () => dx!,
      mean: () => tf.mul(tf.mul(tf.neg(k), s), sumDy!),
      variance: () => tf.mul(tf.mul(tf.mul(tf.mul(tf.mul(k, k), k), tf.scalar(-0.5)), s), sumDyXmu!),
      scale: () => tf.mul(k, sumDyXmu!),
      offset: () => sumDy!,
    };
  },
};

/**
 * Makes FusedBatchNorm's gradient take the one-pass wasm path where it applies (idempotent).
 * Returns false if tfjs-core has no FusedBatchNorm gradient to fall back to.
 */
export function registerFusedBatchNormGradient(): boolean {
  return override.register();
}

/** Puts tfjs-core's FusedBatchNorm gradient back. */
export function unregisterFusedBatchNormGradient(): void {
  override.unregister();
}
