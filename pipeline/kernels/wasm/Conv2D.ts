/**
 * Conv2D and FusedConv2D for tfjs's wasm backend on onnxruntime's native Conv (bias and
 * activation included) when the convolution is large (native-conv.ts); wasm's own kernels
 * (XNNPACK) keep the rest: NCHW, non-float32, PReLU, small convolutions, no native kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dispose, f32, runOriginal, type WasmKernelArgs } from './util.ts';
import { nativeConvGeometry } from './native-conv.ts';
import { nativeConv2D } from '../native/ort-conv.ts';
import { NATIVE_ACTIVATIONS, type NativeActivation } from '../native/ort-gemm.ts';

function convInfo(x: tf.TensorInfo, filter: tf.TensorInfo, attrs: tf.Conv2DAttrs): tf.backend_util.Conv2DInfo {
  const format = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  return tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    format,
  );
}

/** Same contract as tfjs's Conv2D. */
export function conv2D(args: WasmKernelArgs): tf.TensorInfo {
  const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DAttrs;
  const x = args.inputs.x as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32') return runOriginal(tf.Conv2D, args);
  const ci = convInfo(x, filter, attrs);
  const g = nativeConvGeometry(ci, 'forward');
  if (!g) return runOriginal(tf.Conv2D, args);
  const out = args.backend.makeOutput(ci.outShape, 'float32');
  if (nativeConv2D(f32(args.backend, x), f32(args.backend, filter), g, f32(args.backend, out))) return out;
  dispose(args.backend, out);
  return runOriginal(tf.Conv2D, args);
}

/** Same contract as tfjs's FusedConv2D (bias and activation; PReLU goes to wasm's kernel). */
export function fusedConv2D(args: WasmKernelArgs): tf.TensorInfo {
  const { backend } = args;
  const attrs = (args.attrs ?? {}) as unknown as tf.FusedConv2DAttrs;
  const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const activation = attrs.activation ?? 'linear';
  const CO = filter!.shape[3]!;
  if (
    x!.dtype !== 'float32' ||
    filter!.dtype !== 'float32' ||
    preluActivationWeights ||
    !NATIVE_ACTIVATIONS.includes(activation) ||
    (bias && (bias.dtype !== 'float32' || tf.util.sizeFromShape(bias.shape) !== CO))
  ) {
    return runOriginal(tf.FusedConv2D, args);
  }
  const ci = convInfo(x!, filter!, attrs);
  const g = nativeConvGeometry(ci, 'forward');
  if (!g) return runOriginal(tf.FusedConv2D, args);
  const out = backend.makeOutput(ci.outShape, 'float32');
  const ran = nativeConv2D(f32(backend, x!), f32(backend, filter!), g, f32(backend, out), {
    activation: activation as NativeActivation,
    leakyreluAlpha: attrs.leakyreluAlpha,
    ...(bias ? { bias: f32(backend, bias) } : {}),
  });
  if (ran) return out;
  dispose(backend, out);
  return runOriginal(tf.FusedConv2D, args);
}

export const conv2DConfig: tf.KernelConfig = { kernelName: tf.Conv2D, backendName: 'wasm', kernelFunc: conv2D as unknown as tf.KernelFunc };
export const fusedConv2DConfig: tf.KernelConfig = { kernelName: tf.FusedConv2D, backendName: 'wasm', kernelFunc: fusedConv2D as unknown as tf.KernelFunc };
