/**
 * From uint8 ImageSets to the float tensors a tfjs model trains on: scaling, optional
 * inversion, channel conversion and one-hot labels, whole or in (optionally shuffled) batches.
 * Only tfjs-core is imported; the caller picks and initialises the backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageSet } from './types.ts';
import { sampleSize } from './imageset.ts';
import { seededRng, shuffleInPlace } from './rng.ts';

export { subset, classCounts } from './imageset.ts';

/** Target range of pixel values: 0..255 → [0, 1], [-1, 1] or left as 0..255 floats. */
export type PixelScale = '0..1' | '-1..1' | '0..255';

/** How to turn uint8 pixels and int labels into model inputs. */
export interface TensorOptions {
  /** Default '0..1'. */
  scale?: PixelScale;
  /** Use 255 − p (e.g. to feed black-on-white drawings to an MNIST model, or the reverse). */
  invert?: boolean;
  /** Output channels: 1 from RGB uses luminance 0.299R + 0.587G + 0.114B; 3 from gray repeats it. Default: the set's own. */
  channels?: 1 | 3;
  /** One-hot width. Default: max label + 1 over the whole set — pass the dataset's classNames.length to be safe. */
  numClasses?: number;
}

/** Float32 inputs and one-hot targets, backend-free. */
export interface FloatBatch {
  xs: Float32Array;
  xsShape: [number, number, number, number];
  ys: Float32Array;
  ysShape: [number, number];
}

function lookupTable(scale: PixelScale, invert: boolean): Float32Array {
  const lut = new Float32Array(256);
  for (let p = 0; p < 256; p++) {
    const v = invert ? 255 - p : p;
    lut[p] = scale === '0..1' ? v / 255 : scale === '-1..1' ? v / 127.5 - 1 : v;
  }
  return lut;
}

function resolveNumClasses(set: ImageSet, numClasses: number | undefined): number {
  if (numClasses !== undefined) {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
    return numClasses;
  }
  let max = 0;
  for (const l of set.labels) if (l > max) max = l;
  return max + 1;
}

/**
 * Converts the samples at `indices` (default: all, in order) to float32 NHWC inputs and one-hot
 * targets. Throws on an unknown scale, unsupported channel conversion or a label ≥ numClasses.
 */
export function toFloat32(set: ImageSet, options: TensorOptions = {}, indices?: ArrayLike<number>): FloatBatch {
  const scale = options.scale ?? '0..1';
  if (scale !== '0..1' && scale !== '-1..1' && scale !== '0..255') throw new Error(`Unknown pixel scale "${String(scale)}"; use '0..1', '-1..1' or '0..255'`);
  const [h, w, cIn] = set.shape;
  const cOut = options.channels ?? cIn;
  if (!(cOut === cIn || (cIn === 1 && cOut === 3) || (cIn === 3 && cOut === 1))) {
    throw new Error(`Cannot convert ${cIn}-channel images to ${cOut} channels; supported: 1→3, 3→1, or unchanged`);
  }
  const numClasses = resolveNumClasses(set, options.numClasses);
  const lut = lookupTable(scale, options.invert ?? false);
  const n = indices ? indices.length : set.count;
  const hw = h * w;
  const size = sampleSize(set);
  const xs = new Float32Array(n * hw * cOut);
  const ys = new Float32Array(n * numClasses);
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k] : k;
    if (!(i >= 0 && i < set.count)) throw new Error(`Sample index ${i} is outside 0..${set.count - 1}`);
    const label = set.labels[i];
    if (label < 0 || label >= numClasses) throw new Error(`Label ${label} of sample ${i} is outside 0..${numClasses - 1} (numClasses=${numClasses})`);
    ys[k * numClasses + label] = 1;
    const src = i * size;
    const dst = k * hw * cOut;
    if (cOut === cIn) {
      for (let p = 0; p < size; p++) xs[dst + p] = lut[set.pixels[src + p]];
    } else if (cIn === 1) {
      for (let p = 0; p < hw; p++) {
        const v = lut[set.pixels[src + p]];
        xs[dst + p * 3] = v;
        xs[dst + p * 3 + 1] = v;
        xs[dst + p * 3 + 2] = v;
      }
    } else {
      for (let p = 0; p < hw; p++) {
        const q = src + p * 3;
        xs[dst + p] = 0.299 * lut[set.pixels[q]] + 0.587 * lut[set.pixels[q + 1]] + 0.114 * lut[set.pixels[q + 2]];
      }
    }
  }
  return { xs, xsShape: [n, h, w, cOut], ys, ysShape: [n, numClasses] };
}

/**
 * The whole set as tensors: xs float32 [N, H, W, C] and ys one-hot float32 [N, numClasses].
 * The caller owns (and must dispose) both.
 */
export function toTensors(set: ImageSet, options: TensorOptions = {}): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const b = toFloat32(set, options);
  return { xs: tf.tensor4d(b.xs, b.xsShape, 'float32'), ys: tf.tensor2d(b.ys, b.ysShape, 'float32') };
}

/** Options for {@link batches}. */
export interface BatchOptions extends TensorOptions {
  batchSize: number;
  /** Shuffle sample order with this seed (same seed → same order); default: set order. */
  shuffleSeed?: number;
  /** Skip a final batch smaller than batchSize. */
  dropRemainder?: boolean;
}

/**
 * Yields the set in chunks of `batchSize` as tensors (plus the sample indices used), so large
 * sets never exist as one float tensor. Every sample appears once per pass; the one-hot width is
 * fixed for the whole pass. The caller disposes each batch's tensors.
 */
export function* batches(set: ImageSet, options: BatchOptions): Generator<{ xs: tf.Tensor4D; ys: tf.Tensor2D; indices: Int32Array }> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  if (options.shuffleSeed !== undefined) shuffleInPlace(order, seededRng(options.shuffleSeed));
  const opts: TensorOptions = { ...options, numClasses: resolveNumClasses(set, options.numClasses) };
  for (let start = 0; start < set.count; start += batchSize) {
    const indices = order.subarray(start, Math.min(start + batchSize, set.count));
    if (options.dropRemainder && indices.length < batchSize) break;
    const b = toFloat32(set, opts, indices);
    yield { xs: tf.tensor4d(b.xs, b.xsShape, 'float32'), ys: tf.tensor2d(b.ys, b.ysShape, 'float32'), indices: indices.slice() };
  }
}
