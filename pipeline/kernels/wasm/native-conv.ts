/**
 * When a wasm convolution kernel hands its work to onnxruntime's native kernels
 * (../native/ort-conv.ts): native kernels load here and the convolution is large enough to pay for
 * the call. Measured on this 2-core machine (batch 128, wasm vs native): the S1 fonts CNN's strided
 * first layer's input gradient 357 vs 29 ms, its filter gradient 98 vs 33 ms; the MNIST CNN's
 * second layer forward 17 vs 15 ms, filter gradient 34 vs 20, input gradient 27 vs 11. The one
 * exception is a stride-1 convolution of a single-channel image (a first layer): XNNPACK's forward
 * (4.6 vs 15.7 ms) and the block-copy filter gradient (5.2 vs 7.4 ms) beat MLAS there, whose NCHW
 * layout changes dominate so little arithmetic.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { NATIVE_MIN_FLOPS } from './gemm.ts';
import { nativeUnavailable } from '../native/ort-sync.ts';
import type { NativeConvGeometry } from '../native/ort-conv.ts';

/** Which computation of a convolution a kernel does. */
export type ConvPass = 'forward' | 'input-gradient' | 'filter-gradient';

/** The native geometry of an NHWC convolution worth running natively for `pass`, or null to stay on wasm. */
export function nativeConvGeometry(ci: tf.backend_util.Conv2DInfo, pass: ConvPass): NativeConvGeometry | null {
  if (ci.dataFormat !== 'channelsLast') return null;
  if (pass !== 'input-gradient' && ci.inChannels === 1 && ci.strideHeight === 1 && ci.strideWidth === 1) return null;
  const macs = ci.batchSize * ci.outHeight * ci.outWidth * ci.outChannels * ci.filterHeight * ci.filterWidth * ci.inChannels;
  if (macs < NATIVE_MIN_FLOPS || macs === 0 || nativeUnavailable() !== null) return null;
  return {
    B: ci.batchSize,
    H: ci.inHeight,
    W: ci.inWidth,
    C: ci.inChannels,
    OH: ci.outHeight,
    OW: ci.outWidth,
    CO: ci.outChannels,
    KH: ci.filterHeight,
    KW: ci.filterWidth,
    strideH: ci.strideHeight,
    strideW: ci.strideWidth,
    dilationH: ci.dilationHeight,
    dilationW: ci.dilationWidth,
    padTop: ci.padInfo.top,
    padBottom: ci.padInfo.bottom,
    padLeft: ci.padInfo.left,
    padRight: ci.padInfo.right,
  };
}
