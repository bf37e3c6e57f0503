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
 * Runs `model` on the samples of `set` at `indices` (every sample, in order, when null), batch by
 * batch, and hands output `outputIndex` of each batch to `take` inside a tidy scope.
 */
function predictBatches(
  model: tfl.LayersModel,
  set: ImageSet,
  indices: readonly number[] | null,
  toFloat: typeof defaultToFloat,
  batchSize: number,
  outputIndex: number,
  take: (output: tf.Tensor, start: number, count: number) => void,
): void {
  const [h, w, c] = set.shape;
  const size = h * w * c;
  const n = indices ? indices.length : set.count;
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    const xs = new Float32Array((e - s) * size);
    if (indices) for (let k = s; k < e; k++) toFloat(set.pixels.subarray(indices[k]! * size, (indices[k]! + 1) * size), xs.subarray((k - s) * size, (k - s + 1) * size));
    else toFloat(set.pixels.subarray(s * size, e * size), xs);
    tf.tidy(() => {
      const y = model.predict(tf.tensor4d(xs, [e - s, h, w, c]));
      take((Array.isArray(y) ? y[outputIndex] : y) as tf.Tensor, s, e - s);
    });
  }
}

/**
 * Predicted class per sample (argmax over the last axis of the model's output `outputIndex`),
 * batch by batch; for an output of shape [steps, classes], `steps` classes per sample in order.
 */
export function predictClasses(model: tfl.LayersModel, set: ImageSet, toFloat = defaultToFloat, batchSize = 256, outputIndex = 0): Int32Array {
  const shape = model.outputs[outputIndex]!.shape;
  const perSample = shape.length > 2 ? (shape[1] as number) : 1;
  const out = new Int32Array(set.count * perSample);
  predictBatches(model, set, null, toFloat, batchSize, outputIndex, (t, start) => out.set(tf.argMax(t, t.rank - 1).dataSync() as Int32Array, start * perSample));
  return out;
}

/** The probabilities of output `outputIndex` for the samples at `indices` of `set` (one row per index, in order). */
export function predictProbabilities(model: tfl.LayersModel, set: ImageSet, indices: readonly number[], toFloat = defaultToFloat, outputIndex = 0, batchSize = 256): Float32Array[] {
  const rows: Float32Array[] = [];
  predictBatches(model, set, indices, toFloat, batchSize, outputIndex, (t, _start, count) => {
    const probs = t.dataSync() as Float32Array;
    const k = probs.length / count;
    for (let i = 0; i < count; i++) rows.push(probs.slice(i * k, (i + 1) * k));
  });
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
