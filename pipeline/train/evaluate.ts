/** Classification metrics on a held-out set: accuracy, per-class accuracy and the confusion matrix. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../data/types.ts';
import { defaultToFloat } from './loop.ts';

export interface Evaluation {
  split: string;
  count: number;
  accuracy: number;
  perClassAccuracy: Record<string, number>;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  labels: string[];
}

/**
 * Predicted class per sample (argmax over the last axis of the model's output `outputIndex`),
 * batch by batch; for an output of shape [steps, classes], `steps` classes per sample in order.
 */
export function predictClasses(model: tfl.LayersModel, set: ImageSet, toFloat = defaultToFloat, batchSize = 256, outputIndex = 0): Int32Array {
  const [h, w, c] = set.shape;
  const size = h * w * c;
  const shape = model.outputs[outputIndex]!.shape;
  const perSample = shape.length > 2 ? (shape[1] as number) : 1;
  const out = new Int32Array(set.count * perSample);
  for (let s = 0; s < set.count; s += batchSize) {
    const e = Math.min(set.count, s + batchSize);
    const xs = new Float32Array((e - s) * size);
    toFloat(set.pixels.subarray(s * size, e * size), xs);
    const pred = tf.tidy(() => {
      const y = model.predict(tf.tensor4d(xs, [e - s, h, w, c]));
      const t = (Array.isArray(y) ? y[outputIndex] : y) as tf.Tensor;
      return tf.argMax(t, t.rank - 1).dataSync();
    });
    out.set(pred as Int32Array, s * perSample);
  }
  return out;
}

/** The probabilities of output `outputIndex` for the samples at `indices` of `set` (one row per index, in order). */
export function predictProbabilities(model: tfl.LayersModel, set: ImageSet, indices: readonly number[], toFloat = defaultToFloat, outputIndex = 0): Float32Array[] {
  const [h, w, c] = set.shape;
  const size = h * w * c;
  const rows: Float32Array[] = [];
  for (let s = 0; s < indices.length; s += 256) {
    const chunk = indices.slice(s, s + 256);
    const xs = new Float32Array(chunk.length * size);
    chunk.forEach((idx, k) => toFloat(set.pixels.subarray(idx * size, (idx + 1) * size), xs.subarray(k * size, (k + 1) * size)));
    const probs = tf.tidy(() => {
      const y = model.predict(tf.tensor4d(xs, [chunk.length, h, w, c]));
      return ((Array.isArray(y) ? y[outputIndex] : y) as tf.Tensor).dataSync() as Float32Array;
    });
    const k = probs.length / chunk.length;
    for (let i = 0; i < chunk.length; i++) rows.push(probs.slice(i * k, (i + 1) * k));
  }
  return rows;
}

/** Accuracy, per-class accuracy and confusion matrix of predictions against true labels. */
export function classificationReport(split: string, labels: string[], truth: Int32Array, predicted: Int32Array): Evaluation {
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]!]![predicted[i]!]!++;
    if (truth[i] === predicted[i]) correct++;
  }
  const perClassAccuracy = Object.fromEntries(
    labels.map((l, i) => {
      const row = confusion[i]!;
      const total = row.reduce((a, b) => a + b, 0);
      return [l, total ? row[i]! / total : Number.NaN];
    }),
  );
  return { split, count: truth.length, accuracy: truth.length ? correct / truth.length : Number.NaN, perClassAccuracy, confusion, labels };
}
