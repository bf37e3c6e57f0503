/**
 * Pure helpers over ImageSet (no tfjs): validation, subsets, concatenation, class counts.
 */
import type { ImageSet } from './types.ts';

/** Number of bytes one sample occupies (H×W×C). */
export function sampleSize(set: Pick<ImageSet, 'shape'>): number {
  return set.shape[0] * set.shape[1] * set.shape[2];
}

/** Label columns per sample (1 unless the set says otherwise). */
export function labelWidth(set: Pick<ImageSet, 'labelWidth'>): number {
  return set.labelWidth ?? 1;
}

/** Column `column` of every sample's labels (a view when the set has one column). */
export function labelColumn(set: Pick<ImageSet, 'labels' | 'labelWidth' | 'count'>, column = 0): Int32Array {
  const w = labelWidth(set);
  if (w === 1 && column === 0) return set.labels;
  if (!(column >= 0 && column < w)) throw new Error(`label column ${column} is outside 0..${w - 1}`);
  return Int32Array.from({ length: set.count }, (_, i) => set.labels[i * w + column]!);
}

/**
 * Throws a descriptive error unless `set` is internally consistent: positive integer shape,
 * pixels.length = count×H×W×C, labels.length = count, and (when `numClasses` is given) every
 * label in 0..numClasses-1. `what` names the set in the message.
 */
export function assertImageSet(set: ImageSet, what: string, numClasses?: number | readonly number[]): void {
  const [h, w, c] = set.shape;
  if (![h, w, c].every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${what}: shape must be three positive integers [H, W, C], got [${set.shape.join(', ')}]`);
  }
  if (!Number.isInteger(set.count) || set.count < 0) throw new Error(`${what}: count must be a non-negative integer, got ${set.count}`);
  if (set.pixels.length !== set.count * h * w * c) {
    throw new Error(`${what}: pixels has ${set.pixels.length} values but count×H×W×C = ${set.count}×${h}×${w}×${c} = ${set.count * h * w * c}`);
  }
  const width = labelWidth(set);
  if (!Number.isInteger(width) || width < 1) throw new Error(`${what}: labelWidth must be a positive integer, got ${width}`);
  if (set.labels.length !== set.count * width) {
    throw new Error(`${what}: labels has ${set.labels.length} entries but count×labelWidth is ${set.count}×${width}`);
  }
  if (numClasses !== undefined) {
    if (typeof numClasses !== 'number' && numClasses.length !== width) {
      throw new Error(`${what}: ${numClasses.length} label-column class counts given for ${width} label columns`);
    }
    for (let i = 0; i < set.labels.length; i++) {
      const k = typeof numClasses === 'number' ? numClasses : numClasses[i % width]!;
      const l = set.labels[i]!;
      if (l < 0 || l >= k) throw new Error(`${what}: label ${l} at index ${Math.floor(i / width)}${width > 1 ? ` column ${i % width}` : ''} is outside 0..${k - 1}`);
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
  const pixels = set.pixels instanceof Uint16Array ? new Uint16Array(n * size) : new Uint8Array(n * size);
  const width = labelWidth(set);
  const labels = new Int32Array(n * width);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= set.count) {
      throw new Error(`subset: index ${i} (position ${k}) is outside 0..${set.count - 1}`);
    }
    pixels.set(set.pixels.subarray(i * size, (i + 1) * size), k * size);
    labels.set(set.labels.subarray(i * width, (i + 1) * width), k * width);
  }
  return { pixels, labels, shape: [...set.shape], count: n, ...(width !== 1 ? { labelWidth: width } : {}) };
}

/** Concatenates same-shaped sets in order into one new ImageSet; throws on a shape mismatch. */
export function concatImageSets(sets: readonly ImageSet[]): ImageSet {
  if (sets.length === 0) throw new Error('concatImageSets: need at least one set');
  const shape = sets[0].shape;
  const width = labelWidth(sets[0]);
  let count = 0;
  for (const s of sets) {
    if (s.shape.join('x') !== shape.join('x')) {
      throw new Error(`concatImageSets: shape ${s.shape.join('x')} differs from ${shape.join('x')}`);
    }
    if (labelWidth(s) !== width) throw new Error(`concatImageSets: label width ${labelWidth(s)} differs from ${width}`);
    count += s.count;
  }
  const size = sampleSize(sets[0]);
  if (sets.some((s) => s.pixels.constructor !== sets[0].pixels.constructor)) throw new Error('concatImageSets: cannot mix uint8 pixels and uint16 token ids');
  const pixels = sets[0].pixels instanceof Uint16Array ? new Uint16Array(count * size) : new Uint8Array(count * size);
  const labels = new Int32Array(count * width);
  let at = 0;
  for (const s of sets) {
    pixels.set(s.pixels, at * size);
    labels.set(s.labels, at * width);
    at += s.count;
  }
  return { pixels, labels, shape: [...shape], count, ...(width !== 1 ? { labelWidth: width } : {}) };
}

/**
 * Counts samples per class. The result has `numClasses` entries (default: max label + 1);
 * throws on a negative label or one ≥ numClasses.
 */
export function classCounts(set: Pick<ImageSet, 'labels'> & Partial<Pick<ImageSet, 'labelWidth' | 'count'>>, numClasses?: number): number[] {
  const labels = labelWidth(set) === 1 ? set.labels : labelColumn({ labels: set.labels, labelWidth: set.labelWidth, count: set.count ?? set.labels.length / labelWidth(set) });
  let max = -1;
  for (const l of labels) if (l > max) max = l;
  const n = numClasses ?? max + 1;
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l < 0 || l >= n) throw new Error(`classCounts: label ${l} at index ${i} is outside 0..${n - 1}`);
    counts[l]++;
  }
  return counts;
}
