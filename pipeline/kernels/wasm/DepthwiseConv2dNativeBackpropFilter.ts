/**
 * DepthwiseConv2dNativeBackpropFilter for tfjs's wasm backend (missing there; needed to train
 * DepthwiseConv2D and SeparableConv2D). A typed-array loop over the wasm heap with float64
 * accumulation, channel-innermost so reads and writes are contiguous.
 */
import * as tf from '@tensorflow/tfjs-core';
import { depthwiseInfo } from './depthwise.ts';
import { f32, type WasmKernelArgs } from './util.ts';

/**
 * dW[kh, kw, c, q] = Σ_{b, oh, ow} x[b, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, c] ·
 * dy[b, oh, ow, c*mul + q] for NHWC x, any strides, dilations, padding. Returns float32 of
 * `attrs.filterShape` ([KH, KW, C, mul]).
 */
export function depthwiseConv2dNativeBackpropFilter(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const ci = depthwiseInfo(x.shape, attrs.filterShape, attrs);
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = ci;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = ci;
  const mul = CO / C;
  const pt = ci.padInfo.top;
  const pl = ci.padInfo.left;
  const acc = new Float64Array(KH * KW * C * mul);
  const out = backend.makeOutput(attrs.filterShape, 'float32');
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh + kh * dh - pt;
        if (ih < 0 || ih >= H) continue;
        const xRow = (b * H + ih) * W;
        for (let ow = 0; ow < OW; ow++) {
          const dyBase = ((b * OH + oh) * OW + ow) * CO;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            const xBase = (xRow + iw) * C;
            const aBase = (kh * KW + kw) * CO;
            if (mul === 1) {
              for (let c = 0; c < C; c++) acc[aBase + c] += xv[xBase + c] * dyv[dyBase + c];
            } else {
              for (let c = 0; c < C; c++) {
                const xval = xv[xBase + c];
                const o = c * mul;
                for (let q = 0; q < mul; q++) acc[aBase + o + q] += xval * dyv[dyBase + o + q];
              }
            }
          }
        }
      }
    }
  }
  f32(backend, out).set(acc);
  return out;
}

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc,
};
