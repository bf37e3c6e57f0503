/**
 * DepthwiseConv2dNativeBackpropInput for tfjs's wasm backend (missing there; needed to train
 * anything stacked below a DepthwiseConv2D or SeparableConv2D). A scatter loop over the wasm
 * heap, channel-innermost.
 */
import * as tf from '@tensorflow/tfjs-core';
import { depthwiseInfo, forEachDepthwiseTap } from './depthwise.ts';
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
  const C = ci.inChannels;
  const mul = ci.outChannels / C;
  const out = backend.makeOutput(ci.inShape, 'float32');
  const dx = f32(backend, out);
  const dyv = f32(backend, dy);
  const wv = f32(backend, filter);
  dx.fill(0);
  forEachDepthwiseTap(ci, (xBase, dyBase, wBase) => {
    if (mul === 1) {
      for (let c = 0; c < C; c++) dx[xBase + c]! += dyv[dyBase + c]! * wv[wBase + c]!;
      return;
    }
    for (let c = 0; c < C; c++) {
      const o = c * mul;
      let s = 0;
      for (let q = 0; q < mul; q++) s += dyv[dyBase + o + q]! * wv[wBase + o + q]!;
      dx[xBase + c]! += s;
    }
  });
  return out;
}

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as tf.KernelFunc,
};
