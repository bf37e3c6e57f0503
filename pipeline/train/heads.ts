/**
 * A model's outputs ("heads") and the label columns they learn: one-hot targets per batch, the
 * weighted per-head losses (weights may change by epoch), and loss/accuracy per head on a set.
 * The first head is the primary one: its validation loss drives checkpoint selection and
 * learning-rate schedules, its accuracy is the one reported.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { OutputHead } from '../recipe.ts';
import type { ImageSet } from '../data/types.ts';
import { labelWidth } from '../data/imageset.ts';

/** Loss and accuracy of one head (for a sequence head: per-step token accuracy and whole-sequence accuracy). */
export interface HeadMetrics {
  name: string;
  loss: number;
  acc: number;
  sequenceAcc?: number;
}

/** The default: one softmax head over `numClasses` classes learning label column 0. */
export function defaultHeads(model: tfl.LayersModel, numClasses: number): OutputHead[] {
  return [{ name: model.outputNames[0] ?? model.outputs[0]?.name.split('/')[0] ?? 'output', column: 0, classes: numClasses }];
}

/**
 * Checks heads against the model and the data: one head per model output, output shapes that
 * match steps × classes, label columns inside the set's labels. Throws naming the head.
 */
export function checkHeads(heads: readonly OutputHead[], model: tfl.LayersModel, set: ImageSet): void {
  if (heads.length !== model.outputs.length) {
    throw new Error(`the recipe declares ${heads.length} output(s) but the model has ${model.outputs.length}: declare one \`outputs\` entry per model output, in model order`);
  }
  const width = labelWidth(set);
  heads.forEach((h, i) => {
    const layerName = model.outputNames[i];
    if (layerName !== undefined && layerName !== h.name) {
      throw new Error(`output ${i} of the model is layer "${layerName}" but the recipe's output ${i} is "${h.name}": list \`outputs\` in the model's output order, by layer name`);
    }
    const shape = model.outputs[i]!.shape.slice(1);
    const want = h.steps ? [h.steps, h.classes] : [h.classes];
    if (shape.join(',') !== want.join(',')) {
      throw new Error(`output ${i} ("${h.name}") has shape [${shape.join(', ')}] but its head declares [${want.join(', ')}] (steps × classes)`);
    }
    const end = h.column + (h.steps ?? 1);
    if (!(h.column >= 0 && end <= width)) throw new Error(`output "${h.name}" reads label columns ${h.column}..${end - 1} but the data has ${width} label column(s)`);
  });
}

/** The loss weight of `head` in 0-based `epoch`. */
export function lossWeightAt(head: OutputHead, epoch: number): number {
  const w = head.lossWeight ?? 1;
  return typeof w === 'number' ? w : w.initial * w.decayPerEpoch ** epoch;
}

/** True for the classic case — one unweighted softmax over the set's only label column — that plain categorical cross-entropy trains. */
export function isPlainSingleHead(heads: readonly OutputHead[], set: Pick<ImageSet, 'labelWidth'>): boolean {
  const h = heads[0];
  return heads.length === 1 && !!h && !h.steps && h.column === 0 && labelWidth(set) === 1 && (h.lossWeight === undefined || h.lossWeight === 1);
}

/**
 * Loss functions for model.compile, one per head: weighted categorical cross-entropy whose weight
 * is read from `epochRef.epoch` at every step, so a schedule changes the loss without recompiling.
 */
export function headLossFunctions(heads: readonly OutputHead[], epochRef: { epoch: number }): ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor)[] {
  return heads.map((h) => (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mul(tfl.metrics.categoricalCrossentropy(yTrue, yPred), lossWeightAt(h, epochRef.epoch)));
}

/** One-hot targets for the samples order[start..end) of `set`, one array per head ([n, classes] or [n, steps, classes]). */
export function headTargets(heads: readonly OutputHead[], set: ImageSet, order: ArrayLike<number> | null, start: number, end: number): { data: Float32Array; shape: number[] }[] {
  const width = labelWidth(set);
  const n = end - start;
  return heads.map((h) => {
    const steps = h.steps ?? 1;
    const data = new Float32Array(n * steps * h.classes);
    for (let i = 0; i < n; i++) {
      const sample = order ? order[start + i]! : start + i;
      for (let t = 0; t < steps; t++) {
        const label = set.labels[sample * width + h.column + t]!;
        if (!(label >= 0 && label < h.classes)) throw new Error(`output "${h.name}": label ${label} of sample ${sample} (column ${h.column + t}) is outside its ${h.classes} classes`);
        data[(i * steps + t) * h.classes + label] = 1;
      }
    }
    return { data, shape: h.steps ? [n, steps, h.classes] : [n, h.classes] };
  });
}

/** Per-head sums over one batch of predictions: cross-entropy sum, correct steps, correct whole sequences. */
function batchSums(h: OutputHead, probs: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const steps = h.steps ?? 1;
    const p = probs.reshape([-1, steps, h.classes]);
    const y = labels.reshape([-1, steps]);
    const ce = tf.neg(tf.sum(tf.mul(tf.oneHot(y.flatten().toInt(), h.classes).reshape(p.shape), tf.log(tf.clipByValue(p, 1e-7, 1)))));
    const hits = tf.cast(tf.equal(tf.argMax(p, 2), y), 'float32');
    const seqHits = tf.sum(tf.min(hits, 1));
    return tf.stack([tf.div(ce, steps), tf.div(tf.sum(hits), steps), seqHits]);
  });
}

/**
 * Loss (mean cross-entropy per sample, per step for sequences) and accuracy of every head on a
 * whole set, in inference mode and batches. `toFloat` turns a batch's uint8 pixels into inputs.
 */
export function evaluateHeads(
  model: tfl.LayersModel,
  set: ImageSet,
  heads: readonly OutputHead[],
  toFloat: (pixels: Uint8Array | Uint16Array, out: Float32Array) => void,
  batchSize = 256,
): HeadMetrics[] {
  const [h, w, c] = set.shape;
  const size = h * w * c;
  const width = labelWidth(set);
  const sums = heads.map(() => [0, 0, 0]);
  for (let s = 0; s < set.count; s += batchSize) {
    const e = Math.min(set.count, s + batchSize);
    const xs = new Float32Array((e - s) * size);
    toFloat(set.pixels.subarray(s * size, e * size), xs);
    const values = tf.tidy(() => {
      const out = model.predict(tf.tensor4d(xs, [e - s, h, w, c]));
      const outs = Array.isArray(out) ? out : [out];
      const all = tf.tensor2d(set.labels.subarray(s * width, e * width), [e - s, width], 'int32');
      return heads.map((head, k) => batchSums(head, outs[k]!, all.slice([0, head.column], [e - s, head.steps ?? 1])).dataSync());
    });
    values.forEach((v, k) => {
      for (let j = 0; j < 3; j++) sums[k]![j]! += v[j]!;
    });
  }
  return heads.map((head, k) => ({
    name: head.name,
    loss: sums[k]![0]! / set.count,
    acc: sums[k]![1]! / set.count,
    ...(head.steps ? { sequenceAcc: sums[k]![2]! / set.count } : {}),
  }));
}
