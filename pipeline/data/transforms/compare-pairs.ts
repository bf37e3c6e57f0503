/**
 * S3's digit-comparison task from a digit dataset: each sample is two digits downsampled to
 * 14×14 (2×2 average pooling, as S3 does) and stacked as 2 channels; the labels are
 * [first ≤ second, first digit, second digit]. Pairs are drawn within each split, so no digit
 * image of the validation or test pairs is ever seen in training.
 */
import type { ImageSet, SplitImageDataset } from '../types.ts';
import { seededRng } from '../rng.ts';
import { deriveSeed } from '../../train/seeded-random.ts';

export interface ComparePairsSpec {
  /** Pairs per split (S3: 1,000 train and 1,000 test). */
  pairsPerSplit: number;
}

/** Class names of the comparison label (column 0). */
export const COMPARE_CLASS_NAMES = ['first > second', 'first ≤ second'];

/** One 28×28 digit averaged 2×2 into a 14×14 plane of channel `channel` of a 2-channel image. */
function downsampleInto(src: Uint8Array, dst: Uint8Array, channel: number): void {
  for (let y = 0; y < 14; y++) {
    for (let x = 0; x < 14; x++) {
      const s = src[2 * y * 28 + 2 * x]! + src[2 * y * 28 + 2 * x + 1]! + src[(2 * y + 1) * 28 + 2 * x]! + src[(2 * y + 1) * 28 + 2 * x + 1]!;
      dst[(y * 14 + x) * 2 + channel] = Math.round(s / 4);
    }
  }
}

/** `count` pairs drawn (with replacement) from one split's digits, seeded. */
export function comparePairs(digits: ImageSet, count: number, seed: number): ImageSet {
  if (digits.shape.join('x') !== '28x28x1') throw new Error(`compare pairs need 28×28×1 digits, got ${digits.shape.join('×')}`);
  if (digits.count < 2) throw new Error('compare pairs need at least 2 digits per split');
  if (!(digits.pixels instanceof Uint8Array)) throw new Error('compare pairs need uint8 digit images');
  const source = digits.pixels;
  const rng = seededRng(seed);
  const pixels = new Uint8Array(count * 14 * 14 * 2);
  const labels = new Int32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const a = Math.floor(rng() * digits.count);
    const b = Math.floor(rng() * digits.count);
    const out = pixels.subarray(i * 392, (i + 1) * 392);
    downsampleInto(source.subarray(a * 784, (a + 1) * 784), out, 0);
    downsampleInto(source.subarray(b * 784, (b + 1) * 784), out, 1);
    const da = digits.labels[a]!;
    const db = digits.labels[b]!;
    labels.set([da <= db ? 1 : 0, da, db], i * 3);
  }
  return { pixels, labels, shape: [14, 14, 2], count, labelWidth: 3 };
}

/** The comparison dataset built from a split digit dataset, `pairsPerSplit` pairs in each split. */
export function comparePairsDataset(ds: SplitImageDataset, spec: ComparePairsSpec, seed: number): SplitImageDataset {
  if (!(Number.isInteger(spec.pairsPerSplit) && spec.pairsPerSplit > 0)) throw new Error(`compare pairs: pairsPerSplit must be a positive integer, got ${spec.pairsPerSplit}`);
  return {
    name: `${ds.name}-compare-pairs`,
    classNames: COMPARE_CLASS_NAMES,
    labelClasses: [2, ds.classNames.length, ds.classNames.length],
    train: comparePairs(ds.train, spec.pairsPerSplit, deriveSeed(seed, 'pairs', 'train')),
    validation: comparePairs(ds.validation, spec.pairsPerSplit, deriveSeed(seed, 'pairs', 'validation')),
    test: comparePairs(ds.test, spec.pairsPerSplit, deriveSeed(seed, 'pairs', 'test')),
    source: `${ds.source}; ${spec.pairsPerSplit} pairs per split of 14×14 digits (2×2 average), drawn within each split`,
  };
}
