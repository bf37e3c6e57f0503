/**
 * Makes tfjs's wasm backend able to train (and train fast): registers the kernels a training
 * step needs that tfjs-backend-wasm 4.22 lacks, and swaps slow wasm kernels for faster ones:
 * onnxruntime's native MLAS kernels for large convolutions and matrix products where
 * onnxruntime-node loads (native/), XNNPACK-based or plain loops otherwise.
 *
 * Usage (after `import '@tensorflow/tfjs-backend-wasm'`, before or after `tf.setBackend('wasm')`):
 *
 *     import { registerWasmTrainingKernels } from './pipeline/kernels/register-wasm.ts';
 *     registerWasmTrainingKernels(); // idempotent
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { batchMatMulConfig } from './wasm/BatchMatMul.ts';
import { conv2DBackpropFilterConfig } from './wasm/Conv2DBackpropFilter.ts';
import { conv2DBackpropInputConfig } from './wasm/Conv2DBackpropInput.ts';
import { maxPoolGradConfig } from './wasm/MaxPoolGrad.ts';
import { conv2DConfig, fusedConv2DConfig } from './wasm/Conv2D.ts';
import { fusedMatMulConfig } from './wasm/FusedMatMul.ts';
import { sumConfig } from './wasm/Sum.ts';
import { meanConfig } from './wasm/Mean.ts';
import { tileConfig } from './wasm/Tile.ts';
import { castConfig, identityConfig } from './wasm/Identity.ts';
import { batchNormGradConfig, registerFusedBatchNormGradient, unregisterFusedBatchNormGradient } from './wasm/FusedBatchNormGrad.ts';
import { registerMeanGradient, unregisterMeanGradient } from './wasm/MeanGrad.ts';
import { depthwiseConv2dNativeBackpropFilterConfig } from './wasm/DepthwiseConv2dNativeBackpropFilter.ts';
import { depthwiseConv2dNativeBackpropInputConfig } from './wasm/DepthwiseConv2dNativeBackpropInput.ts';
import { unsortedSegmentSumConfig } from './wasm/UnsortedSegmentSum.ts';
import { originalKernel, saveOriginalKernel } from './wasm/util.ts';
import { adamUpdateConfig } from './wasm/AdamUpdate.ts';

/** Kernels wasm lacks that training needs; registered only where wasm has none of its own. */
export const MISSING_WASM_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/**
 * wasm kernels that exist but are slow on shapes training hits (scalar C++ loops, needless
 * transposes, whole-tensor copies — Tile, the broadcasts of BatchNormalization's gradient, is
 * the worst; MaxPoolGrad also mis-routes gradients of all-negative windows, Cast to bool wraps
 * instead of testing ≠ 0): replaced by versions that fall back to the original for cases they do
 * not cover.
 */
export const ACCELERATED_WASM_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropInputConfig,
  batchMatMulConfig,
  maxPoolGradConfig,
  sumConfig,
  meanConfig,
  tileConfig,
  identityConfig,
  castConfig,
  // Convolutions and dense layers on onnxruntime's native kernels when large; wasm's for the rest.
  conv2DConfig,
  fusedConv2DConfig,
  fusedMatMulConfig,
];

export interface WasmTrainingKernelOptions {
  /** Also replace the slow wasm kernels in ACCELERATED_WASM_KERNELS (default true). */
  accelerate?: boolean;
}

/**
 * Kernels of onnxline's own that accelerated gradients and the fused Adam call (see
 * wasm/FusedBatchNormGrad.ts, wasm/AdamUpdate.ts);
 * registered with `accelerate`, together with the gradient replacements below.
 */
export const ONNXLINE_WASM_KERNELS: readonly tf.KernelConfig[] = [batchNormGradConfig, adamUpdateConfig];

const registeredByUs = new Set<string>();
const replacedByUs = new Set<string>();
const addedByUs = new Set<string>();
let gradientsReplaced = false;

/**
 * Registers onnxline's wasm training kernels. Missing kernels are added unless wasm already has
 * one (a future tfjs's own wins); with `accelerate` (default) the slow ones are replaced, the
 * original kept for the cases the replacement does not handle. Idempotent: returns the names of
 * every kernel onnxline has registered or replaced for 'wasm', the same list on every call.
 *
 * `accelerate` also replaces two tfjs-core gradients, which tfjs keeps per kernel name for all
 * backends: FusedBatchNorm's (one fused pass, wasm/FusedBatchNormGrad.ts) and Mean's (dy / n
 * tiled instead of multiplied by ones, wasm/MeanGrad.ts). Both take their new path only while
 * wasm is the active backend and call tfjs-core's original gradient otherwise.
 */
export function registerWasmTrainingKernels(options: WasmTrainingKernelOptions = {}): string[] {
  const accelerate = options.accelerate ?? true;
  for (const config of MISSING_WASM_KERNELS) {
    if (registeredByUs.has(config.kernelName)) continue;
    if (tf.getKernel(config.kernelName, 'wasm')) continue;
    tf.registerKernel(config);
    registeredByUs.add(config.kernelName);
  }
  if (accelerate) {
    for (const config of ACCELERATED_WASM_KERNELS) {
      if (replacedByUs.has(config.kernelName)) continue;
      const existing = tf.getKernel(config.kernelName, 'wasm');
      if (!existing) continue; // wasm backend not loaded: nothing to accelerate
      saveOriginalKernel(config.kernelName);
      tf.unregisterKernel(config.kernelName, 'wasm');
      // Keep the original setup/dispose so a re-initialised backend still wires the original
      // kernelFunc (which the replacement delegates to) to its C++ entry point.
      tf.registerKernel({ ...config, setupFunc: existing.setupFunc, disposeFunc: existing.disposeFunc });
      replacedByUs.add(config.kernelName);
    }
    for (const config of ONNXLINE_WASM_KERNELS) {
      if (addedByUs.has(config.kernelName) || tf.getKernel(config.kernelName, 'wasm')) continue;
      tf.registerKernel(config);
      addedByUs.add(config.kernelName);
    }
    if (!gradientsReplaced && replacedByUs.has(tf.Tile)) {
      registerFusedBatchNormGradient();
      registerMeanGradient();
      gradientsReplaced = true;
    }
  }
  return [...registeredByUs, ...replacedByUs, ...addedByUs];
}

/**
 * Undoes registerWasmTrainingKernels: removes the kernels it added and puts back the wasm
 * originals it replaced (for benchmarks and tests that compare before/after). Returns the names
 * it touched.
 */
export function unregisterWasmTrainingKernels(): string[] {
  const touched: string[] = [];
  for (const name of registeredByUs) {
    tf.unregisterKernel(name, 'wasm');
    touched.push(name);
  }
  registeredByUs.clear();
  for (const name of replacedByUs) {
    const ours = tf.getKernel(name, 'wasm');
    const original = originalKernel(name);
    if (!ours || !original) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: original, setupFunc: ours.setupFunc, disposeFunc: ours.disposeFunc });
    touched.push(name);
  }
  replacedByUs.clear();
  for (const name of addedByUs) {
    tf.unregisterKernel(name, 'wasm');
    touched.push(name);
  }
  addedByUs.clear();
  if (gradientsReplaced) {
    unregisterFusedBatchNormGradient();
    unregisterMeanGradient();
    gradientsReplaced = false;
  }
  return touched;
}
