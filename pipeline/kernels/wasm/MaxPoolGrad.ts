/**
 * A faster, tfjs-cpu-consistent MaxPoolGrad for tfjs's wasm backend. wasm's C++ kernel takes
 * ~29 ms per call on the 26×26×32 pool of the MNIST CNN at batch 128, and seeds its arg-max
 * with FLT_MIN (the smallest *positive* float) and `>=`, so a window whose values are all
 * negative (or all ≤ FLT_MIN) routes its gradient to the wrong element — it differs from
 * tfjs-cpu and TensorFlow whenever pooling does not follow a ReLU. This one scans each window
 * once, channel-innermost, keeps the *first* maximum (strict `>`, from -∞, as tfjs-cpu), and
 * scatters dy there.
 */
import * as tf from '@tensorflow/tfjs-core';
import { f32, type WasmKernelArgs } from './util.ts';

/**
 * dx for a 2-D max pool on NHWC `input` (float32): each dy element is added to the position of
 * the first maximum of its window (none if the window has no value > -∞). Any filter size,
 * strides, padding, dimRoundingMode.
 */
export function maxPoolGrad(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.MaxPoolGradAttrs;
  const dy = inputs.dy as tf.TensorInfo;
  const x = inputs.input as tf.TensorInfo;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: FH, effectiveFilterWidth: FW } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const out = backend.makeOutput(x.shape, 'float32');
  const dx = f32(backend, out);
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  if (FH === 2 && FW === 2 && sh === 2 && sw === 2 && pt === 0 && pl === 0 && 2 * OH <= H && 2 * OW <= W) {
    // The windows tile the input exactly unless H or W is odd: then the last row/column needs zeros.
    if (2 * OH !== H || 2 * OW !== W) dx.fill(0);
    maxPoolGrad2x2(xv, dyv, dx, B, H, W, C, OH, OW);
    return out;
  }
  dx.fill(0);
  const best = new Float32Array(C);
  const pos = new Int32Array(C);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = Math.max(0, oh * sh - pt);
      const h1 = Math.min(H, oh * sh - pt + FH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = Math.max(0, ow * sw - pl);
        const w1 = Math.min(W, ow * sw - pl + FW);
        best.fill(-Infinity);
        pos.fill(-1);
        for (let ih = h0; ih < h1; ih++) {
          for (let iw = w0; iw < w1; iw++) {
            const base = ((b * H + ih) * W + iw) * C;
            for (let c = 0; c < C; c++) {
              const v = xv[base + c];
              if (v > best[c]) {
                best[c] = v;
                pos[c] = base + c;
              }
            }
          }
        }
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          const p = pos[c];
          if (p >= 0) dx[p] += dyv[dyBase + c];
        }
      }
    }
  }
  return out;
}

/** The common 2×2 / stride 2 / unpadded case: four fixed offsets per output, no window loops; writes every element of each window. */
function maxPoolGrad2x2(xv: Float32Array, dyv: Float32Array, dx: Float32Array, B: number, H: number, W: number, C: number, OH: number, OW: number): void {
  const rowStride = W * C;
  let dyi = 0;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      let p00 = (b * H + 2 * oh) * rowStride;
      for (let ow = 0; ow < OW; ow++, p00 += 2 * C) {
        for (let c = 0; c < C; c++, dyi++) {
          const i0 = p00 + c;
          const i1 = i0 + C;
          const i2 = i0 + rowStride;
          const i3 = i2 + C;
          let m = -Infinity;
          let p = -1;
          if (xv[i0] > m) {
            m = xv[i0];
            p = i0;
          }
          if (xv[i1] > m) {
            m = xv[i1];
            p = i1;
          }
          if (xv[i2] > m) {
            m = xv[i2];
            p = i2;
          }
          if (xv[i3] > m) {
            m = xv[i3];
            p = i3;
          }
          // Every element of the window is written (no separate zero fill): dy at the first
          // maximum, 0 elsewhere — and nowhere when no value is above -Infinity, as in tfjs-cpu.
          const g = dyv[dyi];
          dx[i0] = p === i0 ? g : 0;
          dx[i1] = p === i1 ? g : 0;
          dx[i2] = p === i2 ? g : 0;
          dx[i3] = p === i3 ? g : 0;
        }
      }
    }
  }
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
