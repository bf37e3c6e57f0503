/**
 * Optimizers the studies use (Adam, SGD, SGD with momentum, RMSProp), with optional gradient
 * clipping, and a learning rate that can be changed between epochs.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../tfjs/setup.ts';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types.js';
import type { OptimizerConfig, TrainConfig } from '../recipe.ts';
import { fusedAdam } from './fused-adam.ts';

/** Builds the optimizer a recipe names. */
export function makeOptimizer(cfg: OptimizerConfig): tf.Optimizer {
  switch (cfg.name) {
    case 'adam':
      return fusedAdam(cfg.learningRate);
    case 'sgd':
      return tf.train.sgd(cfg.learningRate);
    case 'momentum':
      return tf.train.momentum(cfg.learningRate, cfg.momentum ?? 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(cfg.learningRate, 0.9, cfg.momentum ?? 0);
    default:
      throw new Error(`unknown optimizer "${(cfg as { name: string }).name}"; use adam, sgd, momentum or rmsprop`);
  }
}

/** The optimizer's current learning rate. */
export function getLearningRate(opt: tf.Optimizer): number {
  return (opt as unknown as { learningRate: number }).learningRate;
}

/** Changes the learning rate used by the next update. */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  // SGD and momentum cache −lr in a tensor that setLearningRate refreshes; the others read the field.
  const sgd = opt as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate(lr);
  else sgd.learningRate = lr;
}

/** Scales `grads` so their global L2 norm is at most `maxNorm` (as tf.clip_by_global_norm). */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const sq = names.map((n) => tf.sum(tf.square(grads[n]!)));
    const norm = tf.sqrt(tf.addN(sq));
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    return Object.fromEntries(names.map((n) => [n, tf.mul(grads[n]!, scale)]));
  });
}

/** Makes `opt` clip gradients (global norm and/or value) before every update, as the config asks. */
export function withGradientClipping(opt: tf.Optimizer, cfg: Pick<TrainConfig, 'clipNorm' | 'clipValue'>): tf.Optimizer {
  if (cfg.clipNorm === undefined && cfg.clipValue === undefined) return opt;
  const apply = opt.applyGradients.bind(opt);
  opt.applyGradients = (variableGradients: tf.NamedTensorMap | NamedTensor[]) => {
    const map: tf.NamedTensorMap = Array.isArray(variableGradients)
      ? Object.fromEntries(variableGradients.map((g) => [g.name, g.tensor]))
      : variableGradients;
    let clipped = map;
    if (cfg.clipValue !== undefined) {
      const v = cfg.clipValue;
      clipped = tf.tidy(() => Object.fromEntries(Object.entries(clipped).map(([n, g]) => [n, tf.clipByValue(g, -v, v)])));
    }
    if (cfg.clipNorm !== undefined) {
      const before = clipped;
      clipped = clipByGlobalNorm(clipped, cfg.clipNorm);
      if (before !== map) tf.dispose(Object.values(before));
    }
    apply(clipped);
    tf.dispose(Object.values(clipped));
  };
  return opt;
}
