/**
 * Training and validation steps that leave their scalars on the device. tfjs-layers'
 * trainOnBatch reads the loss and metrics back at the end of every batch, which on a GPU backend
 * makes JavaScript wait for the GPU after each batch; here the step's scalars stay on the GPU and
 * the loop reads a whole group of them back at once, every few batches. The arithmetic is the
 * same as trainOnBatch's (the same train function), so the numbers are the same.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../data/types.ts';

/** The protected LayersModel methods trainOnBatch itself uses. */
interface TrainInternals {
  standardizeUserData(x: tf.Tensor, y: tf.Tensor): Promise<[tf.Tensor[], tf.Tensor[], tf.Tensor[]?]>;
  makeTrainFunction(): (data: tf.Tensor[]) => tf.Scalar[];
}

/**
 * One optimizer step on (x, y), exactly as model.trainOnBatch takes it, returning the total loss
 * and the compiled metrics as scalars still on the device (the caller disposes them).
 */
export async function trainOnBatchOnDevice(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<tf.Scalar[]> {
  // A Sequential trains through the functional LayersModel it wraps, as its own trainOnBatch does.
  const inner = (model as { model?: tfl.LayersModel }).model;
  const m = (inner && typeof inner.trainOnBatch === 'function' ? inner : model) as unknown as TrainInternals;
  const [inputs, targets] = await m.standardizeUserData(x, y);
  const scalars = m.makeTrainFunction()(inputs.concat(targets));
  for (const t of inputs) if (t !== x) t.dispose();
  for (const t of targets) if (t !== y) t.dispose();
  return scalars;
}

/** Step results waiting on the device: each step's scalars and its batch size, read back together. */
export class PendingScalars {
  private steps: { scalars: tf.Scalar[]; n: number }[] = [];

  /** How many steps are waiting. */
  get size(): number {
    return this.steps.length;
  }

  /** Keeps one step's scalars (taking ownership of them) with its batch size. */
  push(scalars: tf.Scalar[], n: number): void {
    this.steps.push({ scalars, n });
  }

  /** Reads every waiting step's scalars in one transfer and disposes them; resolves in push order. */
  async drain(): Promise<{ values: number[]; n: number }[]> {
    const steps = this.steps;
    this.steps = [];
    if (!steps.length) return [];
    const width = steps[0]!.scalars.length;
    const stacked = tf.tidy(() => tf.stack(steps.flatMap((s) => s.scalars)));
    const data = await stacked.data();
    stacked.dispose();
    for (const s of steps) tf.dispose(s.scalars);
    return steps.map((s, i) => ({ values: Array.from(data.subarray(i * width, (i + 1) * width)), n: s.n }));
  }
}

/**
 * Loss and accuracy on a whole set in inference mode, as the loop's evaluateSet computes them,
 * but reading each batch's two sums back asynchronously (a GPU backend in Node has no
 * synchronous readback).
 */
export async function evaluateSetOnDevice(
  model: tfl.LayersModel,
  set: ImageSet,
  numClasses: number,
  toFloat: (pixels: Uint8Array | Uint16Array, out: Float32Array) => void,
  batchSize = 256,
): Promise<{ loss: number; acc: number }> {
  const [h, w, c] = set.shape;
  const size = h * w * c;
  const sums: tf.Tensor[] = [];
  for (let s = 0; s < set.count; s += batchSize) {
    const e = Math.min(set.count, s + batchSize);
    const xs = new Float32Array((e - s) * size);
    toFloat(set.pixels.subarray(s * size, e * size), xs);
    sums.push(
      tf.tidy(() => {
        const probs = model.predict(tf.tensor4d(xs, [e - s, h, w, c])) as tf.Tensor2D;
        const labels = tf.tensor1d(set.labels.subarray(s, e), 'int32');
        const ce = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, numClasses), tf.log(tf.clipByValue(probs, 1e-7, 1)))));
        const hit = tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32'));
        return tf.stack([ce, hit]);
      }),
    );
  }
  let lossSum = 0;
  let correct = 0;
  for (const t of sums) {
    const [l, a] = await t.data();
    lossSum += l!;
    correct += a!;
    t.dispose();
  }
  return { loss: lossSum / set.count, acc: correct / set.count };
}
