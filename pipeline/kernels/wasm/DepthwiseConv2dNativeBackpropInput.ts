/**
 * DepthwiseConv2dNativeBackpropInput for tfjs's wasm backend (missing there; needed to train
 * anything stacked below a DepthwiseConv2D or SeparableConv2D). A scatter loop over the wasm
 * heap, channel-innermost.
 */
import * as tf from '@tensorflow/tfjs-core';
import { depthwiseInfo } from './depthwise.ts';
import { f32, type WasmKernelArgs } from './util.ts';

/**
 * dx[b, ih, iw, c] = Σ dy[b, oh, ow, c*mul + q] · w[kh, kw, c, q] over the taps that read
 * (ih, iw), for NHWC `attrs.inputShape`, any strides, dilations, padding. Returns float32.
 */
export function depthwiseConv2dNativeBackpropInput(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const dy = inputs.dy as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  const ci = depthwiseInfo(attrs.inputShape, filter.shape, attrs);
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = ci;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = ci;
  const mul = CO / C;
  const pt = ci.padInfo.top;
  const pl = ci.padInfo.left;
  const out = backend.makeOutput(ci.inShape, 'float32');
  const dx = f32(backend, out);
  const dyv = f32(backend, dy);
  const wv = f32(backend, filter);
  dx.fill(0);
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
            const wBase = (kh * KW + kw) * CO;
            if (mul === 1) {
              for (let c = 0; c < C; c++) dx[xBase + c] += dyv[dyBase + c] * wv[wBase + c];
            } else {
              for (let c = 0; c < C; c++) {
                const o = c * mul;
                let s = 0;
                for (let q = 0; q < mul; q++) s += dyv[dyBase + o + q] * wv[wBase + o + q];
                dx[xBase + c] += s;
              }
            }
          }
        }
      }
    }
  }
  return out;
}

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as tf.KernelFunc,
};
