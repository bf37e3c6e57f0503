/**
 * DepthwiseConv2dNativeBackpropFilter for tfjs's wasm backend (missing there; needed to train
 * DepthwiseConv2D and SeparableConv2D). A typed-array loop over the wasm heap with float64
 * accumulation, channel-innermost so reads and writes are contiguous.
 */
import * as tf from '@tensorflow/tfjs-core';
import { depthwiseInfo, forEachDepthwiseTap } from './depthwise.ts';
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
  const C = ci.inChannels;
  const mul = ci.outChannels / C;
  const acc = new Float64Array(ci.filterHeight * ci.filterWidth * C * mul);
  const out = backend.makeOutput(attrs.filterShape, 'float32');
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  forEachDepthwiseTap(ci, (xBase, dyBase, aBase) => {
    if (mul === 1) {
      for (let c = 0; c < C; c++) acc[aBase + c]! += xv[xBase + c]! * dyv[dyBase + c]!;
      return;
    }
    for (let c = 0; c < C; c++) {
      const xval = xv[xBase + c]!;
      const o = c * mul;
      for (let q = 0; q < mul; q++) acc[aBase + o + q]! += xval * dyv[dyBase + o + q]!;
    }
  });
  f32(backend, out).set(acc);
  return out;
}

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc,
};
