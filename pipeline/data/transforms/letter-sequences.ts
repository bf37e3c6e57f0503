/**
 * S0's task from a letter dataset: each sample is `length` letter images stacked top to bottom
 * ([length × H, W, C]); its labels are the letters of the alphabet that do NOT occur among them,
 * in alphabetical order, padded with an end token to 26 steps. Letters repeat, so the target
 * length varies (26 − distinct letters: 16…25 for 10 images). Images are drawn within each split.
 */
import type { ImageSet, SplitImageDataset } from '../types.ts';
import { seededRng } from '../rng.ts';
import { deriveSeed } from '../../train/seeded-random.ts';

export interface LetterSequencesSpec {
  /** Images per sequence (S0: 10). */
  length: number;
  /** Sequences per split. */
  sequences: { train: number; validation: number; test: number };
}

/** Output tokens: a…z, then the end/padding token. */
export const SEQUENCE_TOKENS: readonly string[] = [...'abcdefghijklmnopqrstuvwxyz', '<end>'];
export const END_TOKEN = 26;
export const SEQUENCE_STEPS = 26;

/** The letter (0 = a … 25 = z) each class of the source stands for: its name's first character, case folded. */
export function letterOfClasses(classNames: readonly string[]): number[] {
  return classNames.map((name) => {
    const code = name.toLowerCase().charCodeAt(0) - 97;
    if (!(code >= 0 && code < 26)) throw new Error(`letter sequences: class "${name}" is not a letter; the source dataset must have letter classes`);
    return code;
  });
}

/** The missing letters of a sequence, sorted, then end tokens up to SEQUENCE_STEPS. */
export function missingLettersTarget(letters: readonly number[]): Int32Array {
  const present = new Set(letters);
  const out = new Int32Array(SEQUENCE_STEPS).fill(END_TOKEN);
  let k = 0;
  for (let l = 0; l < 26; l++) if (!present.has(l)) out[k++] = l;
  return out;
}

/** `count` sequences of `length` images drawn (with replacement) from one split, seeded. */
export function letterSequences(images: ImageSet, letterOf: readonly number[], length: number, count: number, seed: number): ImageSet {
  const [h, w, c] = images.shape;
  const size = h * w * c;
  const rng = seededRng(seed);
  const pixels = new Uint8Array(count * length * size);
  const labels = new Int32Array(count * SEQUENCE_STEPS);
  const src = images.pixels;
  const letters = new Array<number>(length);
  for (let s = 0; s < count; s++) {
    for (let k = 0; k < length; k++) {
      const i = Math.floor(rng() * images.count);
      pixels.set(src.subarray(i * size, (i + 1) * size), (s * length + k) * size);
      letters[k] = letterOf[images.labels[i]!]!;
    }
    labels.set(missingLettersTarget(letters), s * SEQUENCE_STEPS);
  }
  return { pixels, labels, shape: [length * h, w, c], count, labelWidth: SEQUENCE_STEPS };
}

/** The sequence dataset from a split letter dataset (uint8 images). */
export function letterSequencesDataset(ds: SplitImageDataset, spec: LetterSequencesSpec, seed: number): SplitImageDataset {
  if (!(Number.isInteger(spec.length) && spec.length >= 1 && spec.length <= 26)) throw new Error(`letter sequences: length must be 1…26, got ${spec.length}`);
  if (!(ds.train.pixels instanceof Uint8Array)) throw new Error('letter sequences need uint8 images');
  const letterOf = letterOfClasses(ds.classNames);
  const make = (split: 'train' | 'validation' | 'test') => letterSequences(ds[split], letterOf, spec.length, spec.sequences[split], deriveSeed(seed, 'letter-sequences', split));
  return {
    name: `${ds.name}-sequences`,
    classNames: [...SEQUENCE_TOKENS],
    train: make('train'),
    validation: make('validation'),
    test: make('test'),
    source: `${ds.source}; sequences of ${spec.length} images drawn within each split (${spec.sequences.train} / ${spec.sequences.validation} / ${spec.sequences.test}), target: the missing letters in order`,
  };
}
