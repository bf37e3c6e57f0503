/**
 * Conv2DBackpropFilter for tfjs's wasm backend (wasm ships without it, so no Conv2D can train).
 *
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh*sh + kh - pt, ow*sw + kw - pl, ci] · dy[b, oh, ow, co]
 *
 * on onnxruntime's native kernels when the product is large (native-conv.ts), else computed as one
 * matrix multiply: dW2d[K, CO] = colsT[K, M] @ dy2d[M, CO], where
 * colsT is the transposed patch matrix (K = KH·KW·CI, M = B·OH·OW). Measured on this machine
 * against the alternative of a forward XNNPACK conv of transposed x with dy as the filter, this
 * was faster on both MNIST-CNN layers (28×28×1→32: 3.5 ms vs 22 ms; 13×13×32→64: 27 ms vs
 * 30 ms, batch 128).
 */
import * as tf from '@tensorflow/tfjs-core';
import { geometryOf, im2colT, im2colTInto } from './im2col.ts';
import { dispose, f32, reshapeInfo, runWasm, type WasmKernelArgs } from './util.ts';
import { gemm2d } from './gemm.ts';
import { nativeConvGeometry } from './native-conv.ts';
import { nativeConv2DBackpropFilter, type NativeConvGeometry } from '../native/ort-conv.ts';
import { nativeGemm } from '../native/ort-gemm.ts';
import { nativeScratch } from '../native/ort-sync.ts';

/**
 * The filter gradient on native kernels into `out`: for a stride-1 'same' convolution the patch
 * matrix (block copies, straight into an ordinary buffer) times dy on MLAS's GEMM; otherwise one
 * native Conv of the batch-transposed tensors (see ort-conv.ts). Measured here at batch 128, GEMM
 * vs Conv: the digits CNN's 28×28×32→32 layer 56 vs 68 ms, the S1 CNN's 24×24×16→32 k5 40 vs 48;
 * the S1 first layer (k10, stride 2) 81 vs 23. False when neither ran natively.
 */
function nativeFilterGradient(backend: WasmKernelArgs['backend'], x: tf.TensorInfo, dy: tf.TensorInfo, ci: tf.backend_util.Conv2DInfo, g: NativeConvGeometry, out: tf.TensorInfo): boolean {
  const same = ci.strideHeight === 1 && ci.strideWidth === 1 && ci.dilationHeight === 1 && ci.dilationWidth === 1 && ci.outHeight === ci.inHeight && ci.outWidth === ci.inWidth;
  if (!same) return nativeConv2DBackpropFilter(f32(backend, x), f32(backend, dy), g, f32(backend, out));
  const K = ci.filterHeight * ci.filterWidth * ci.inChannels;
  const M = ci.batchSize * ci.outHeight * ci.outWidth;
  const cols = nativeScratch('filter-gradient-patches', K * M);
  im2colTInto(backend, x, geometryOf(ci), () => cols);
  return nativeGemm(cols, f32(backend, dy), K, M, ci.outChannels, false, false, f32(backend, out));
}

/**
 * dW for a 2-D convolution; NHWC or NCHW input, any strides, 'same'/'valid'/explicit padding,
 * dimRoundingMode. Returns a float32 tensor of `attrs.filterShape`.
 */
export function conv2DBackpropFilter(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropFilterAttrs;
  let x = inputs.x as tf.TensorInfo;
  let dy = inputs.dy as tf.TensorInfo;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`Conv2DBackpropFilter (wasm) supports float32 only, got x ${x.dtype}, dy ${dy.dtype}`);
  }
  const nchw = attrs.dataFormat === 'NCHW';
  const temps: tf.TensorInfo[] = [];
  if (nchw) {
    x = runWasm('Transpose', backend, { x }, { perm: [0, 2, 3, 1] });
    dy = runWasm('Transpose', backend, { x: dy }, { perm: [0, 2, 3, 1] });
    temps.push(x, dy);
  }
  const ci = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const M = ci.batchSize * ci.outHeight * ci.outWidth;
  const K = ci.filterHeight * ci.filterWidth * ci.inChannels;
  if (dy.shape[1] !== ci.outHeight || dy.shape[2] !== ci.outWidth || dy.shape[3] !== ci.outChannels) {
    throw new Error(`Conv2DBackpropFilter (wasm): dy shape [${dy.shape}] does not match the conv output [${ci.outShape}]`);
  }
  let out: tf.TensorInfo;
  if (M === 0 || K === 0 || ci.outChannels === 0) {
    out = backend.makeOutput(ci.filterShape, 'float32');
    f32(backend, out).fill(0);
  } else {
    const g = nativeConvGeometry(ci, 'filter-gradient');
    const native = g ? backend.makeOutput(ci.filterShape, 'float32') : null;
    if (native && nativeFilterGradient(backend, x, dy, ci, g!, native)) {
      out = native;
    } else {
      if (native) dispose(backend, native);
      const cols = im2colT(backend, x, geometryOf(ci));
      const prod = gemm2d(backend, cols, dy, K, M, ci.outChannels);
      out = reshapeInfo(backend, prod, ci.filterShape);
      temps.push(cols, prod);
    }
  }
  dispose(backend, ...temps);
  return out;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
