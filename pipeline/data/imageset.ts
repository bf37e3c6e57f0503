/**
 * Pure helpers over ImageSet (no tfjs): validation, subsets, concatenation, class counts.
 */
import type { ImageSet } from './types.ts';

/** Number of bytes one sample occupies (H×W×C). */
export function sampleSize(set: Pick<ImageSet, 'shape'>): number {
  return set.shape[0] * set.shape[1] * set.shape[2];
}

/**
 * Throws a descriptive error unless `set` is internally consistent: positive integer shape,
 * pixels.length = count×H×W×C, labels.length = count, and (when `numClasses` is given) every
 * label in 0..numClasses-1. `what` names the set in the message.
 */
export function assertImageSet(set: ImageSet, what: string, numClasses?: number): void {
  const [h, w, c] = set.shape;
  if (![h, w, c].every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${what}: shape must be three positive integers [H, W, C], got [${set.shape.join(', ')}]`);
  }
  if (!Number.isInteger(set.count) || set.count < 0) throw new Error(`${what}: count must be a non-negative integer, got ${set.count}`);
  if (set.pixels.length !== set.count * h * w * c) {
    throw new Error(`${what}: pixels has ${set.pixels.length} values but count×H×W×C = ${set.count}×${h}×${w}×${c} = ${set.count * h * w * c}`);
  }
  if (set.labels.length !== set.count) throw new Error(`${what}: labels has ${set.labels.length} entries but count is ${set.count}`);
  if (numClasses !== undefined) {
    for (let i = 0; i < set.count; i++) {
      const l = set.labels[i];
      if (l < 0 || l >= numClasses) throw new Error(`${what}: label ${l} at index ${i} is outside 0..${numClasses - 1}`);
    }
  }
}

/**
 * Returns a new ImageSet holding copies of the samples at `indices`, in that order (repeats
 * allowed). Throws on an index outside 0..count-1.
 */
export function subset(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = sampleSize(set);
  const n = indices.length;
  const pixels = new Uint8Array(n * size);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= set.count) {
      throw new Error(`subset: index ${i} (position ${k}) is outside 0..${set.count - 1}`);
    }
    pixels.set(set.pixels.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = set.labels[i];
  }
  return { pixels, labels, shape: [...set.shape], count: n };
}

/** Concatenates same-shaped sets in order into one new ImageSet; throws on a shape mismatch. */
export function concatImageSets(sets: readonly ImageSet[]): ImageSet {
  if (sets.length === 0) throw new Error('concatImageSets: need at least one set');
  const shape = sets[0].shape;
  let count = 0;
  for (const s of sets) {
    if (s.shape.join('x') !== shape.join('x')) {
      throw new Error(`concatImageSets: shape ${s.shape.join('x')} differs from ${shape.join('x')}`);
    }
    count += s.count;
  }
  const size = sampleSize(sets[0]);
  const pixels = new Uint8Array(count * size);
  const labels = new Int32Array(count);
  let at = 0;
  for (const s of sets) {
    pixels.set(s.pixels, at * size);
    labels.set(s.labels, at);
    at += s.count;
  }
  return { pixels, labels, shape: [...shape], count };
}

/**
 * Counts samples per class. The result has `numClasses` entries (default: max label + 1);
 * throws on a negative label or one ≥ numClasses.
 */
export function classCounts(set: Pick<ImageSet, 'labels'>, numClasses?: number): number[] {
  let max = -1;
  for (const l of set.labels) if (l > max) max = l;
  const n = numClasses ?? max + 1;
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < set.labels.length; i++) {
    const l = set.labels[i];
    if (l < 0 || l >= n) throw new Error(`classCounts: label ${l} at index ${i} is outside 0..${n - 1}`);
    counts[l]++;
  }
  return counts;
}
