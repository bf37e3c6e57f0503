/**
 * A faster Conv2DBackpropInput for tfjs's wasm backend. wasm has one, but it is a scalar C++
 * loop (172 ms for the 13×13×32→64 k3 layer at batch 128 on this machine); this replaces it
 * with XNNPACK work:
 *
 * - stride 1: dx is a forward convolution of dy with the spatially flipped, in/out-swapped
 *   filter and "full" padding (KH-1-pt, ...), run by wasm's XNNPACK Conv2D (22 ms there);
 * - other strides: cols[M, K] = dy2d[M, CO] @ W2d^T[CO, K] by XNNPACK, then col2im
 *   scatter-adds the columns back into dx.
 *
 * Large ones run before all that as one native ConvTranspose (native-conv.ts), 2–12× faster here.
 * NCHW falls through to wasm's original kernel (saved by the registry before replacing it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { col2im, geometryOf } from './im2col.ts';
import { dispose, f32, reshapeInfo, runOriginal, runWasm, type WasmKernelArgs } from './util.ts';
import { gemm2d } from './gemm.ts';
import { nativeConvGeometry } from './native-conv.ts';
import { nativeBackpropInputSupported, nativeConv2DBackpropInput } from '../native/ort-conv.ts';

/** Flipped, transposed filter: wf[kh, kw, co, ci] = w[KH-1-kh, KW-1-kw, ci, co]. */
function flipFilter(args: WasmKernelArgs, w: tf.TensorInfo): tf.TensorInfo {
  const { backend } = args;
  const [KH, KW, C, CO] = w.shape as [number, number, number, number];
  const wf = backend.makeOutput([KH, KW, CO, C], 'float32');
  const wv = f32(backend, w);
  const fv = f32(backend, wf);
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const src0 = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * C * CO;
      const dst0 = (kh * KW + kw) * CO * C;
      for (let c = 0; c < C; c++) {
        for (let o = 0; o < CO; o++) fv[dst0 + o * C + c] = wv[src0 + c * CO + o];
      }
    }
  }
  return wf;
}

/**
 * dx for a 2-D convolution: same contract as tfjs's Conv2DBackpropInput (dy NHWC, filter
 * [KH, KW, CI, CO], attrs.inputShape), float32 out of shape `inputShape`.
 */
export function conv2DBackpropInput(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropInputAttrs;
  const dy = inputs.dy as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  if (attrs.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return runOriginal(tf.Conv2DBackpropInput, args);
  }
  const ci = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { filterHeight: KH, filterWidth: KW, inChannels: C, outChannels: CO } = ci;
  const g = nativeConvGeometry(ci, 'input-gradient');
  if (dy.shape[1] !== ci.outHeight || dy.shape[2] !== ci.outWidth || dy.shape[3] !== CO) {
    throw new Error(`Conv2DBackpropInput (wasm): dy shape [${dy.shape}] does not match the conv output [${ci.outShape}]`);
  }
  if (g && nativeBackpropInputSupported(g)) {
    const dx = backend.makeOutput(attrs.inputShape, 'float32');
    if (nativeConv2DBackpropInput(f32(backend, dy), f32(backend, filter), g, f32(backend, dx))) return dx;
    dispose(backend, dx);
  }
  const M = ci.batchSize * ci.outHeight * ci.outWidth;
  const K = KH * KW * C;
  if (ci.strideHeight === 1 && ci.strideWidth === 1) {
    const pt = KH - 1 - ci.padInfo.top;
    const pl = KW - 1 - ci.padInfo.left;
    const pb = ci.inHeight - ci.outHeight - pt + KH - 1;
    const pr = ci.inWidth - ci.outWidth - pl + KW - 1;
    if (pt >= 0 && pl >= 0 && pb >= 0 && pr >= 0) {
      const wf = flipFilter(args, filter);
      const pad = [[0, 0], [pt, pb], [pl, pr], [0, 0]] as unknown as tf.NamedAttrMap[string];
      const dx = runWasm('Conv2D', backend, { x: dy, filter: wf }, { strides: 1, dilations: 1, pad, dataFormat: 'NHWC' });
      dispose(backend, wf);
      return dx;
    }
  }
  const w2 = reshapeInfo(backend, filter, [K, CO]);
  const wT = runWasm('Transpose', backend, { x: w2 }, { perm: [1, 0] });
  const cols = gemm2d(backend, dy, wT, M, CO, K);
  const dx = col2im(backend, cols, geometryOf(ci));
  dispose(backend, w2, wT, cols);
  return dx;
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
