/**
 * A cheaper Mean gradient on tfjs's wasm backend. tfjs-core's (gradients/Mean_grad.ts) computes
 * dx = (reshape(dy) · ones(x.shape)) / n: a broadcast multiply and a division over the whole
 * input — for BatchNormalization's batch moments an [N, H, W, C] activation, twice per layer.
 * Multiplying by 1 is exact, so dx is just dy / n broadcast; here dy / n is computed at dy's size
 * and broadcast with a Tile (onnxline's block-copy Tile on wasm): bit-for-bit the same values.
 *
 * tfjs keeps one gradient per kernel name for all backends: the replacement takes this path only
 * on wasm, and calls tfjs-core's original gradient everywhere else.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gradientOverride } from './util.ts';

const override = gradientOverride(tf.Mean, () => meanGradConfig);

const meanGradConfig: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const dyT = dy as tf.Tensor;
    if (tf.getBackend() !== 'wasm' || dyT.dtype !== 'float32') return override.original()!.gradFunc(dy, saved, attrs);
    const { axis } = attrs as unknown as tf.MeanAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const reduceSize = axes.reduce((n, a) => n * x.shape[a]!, 1);
    return {
      x: () => {
        const expandedShape = x.shape.slice();
        const reps = x.shape.map(() => 1);
        for (const a of axes) {
          expandedShape[a] = 1;
          reps[a] = x.shape[a]!;
        }
        return tf.tile(tf.div(tf.reshape(dyT, expandedShape), reduceSize), reps);
      },
    };
  },
};

/** Makes Mean's gradient take the tile path on wasm (idempotent). False if tfjs-core has none. */
export function registerMeanGradient(): boolean {
  return override.register();
}

/** Puts tfjs-core's Mean gradient back. */
export function unregisterMeanGradient(): void {
  override.unregister();
}

/** tfjs-core's Mean gradient, as it was before onnxline replaced it (if it did). */
export function originalMeanGradient(): tf.GradConfig | undefined {
  return override.original();
}
