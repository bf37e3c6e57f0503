/**
 * S4's class-imbalance experiment on a training split: keep only a fraction of the samples of
 * some classes, and optionally restore the balance with Gaussian-noise copies of the kept ones.
 */
import type { ImageSet } from '../types.ts';
import { assertImageSet, subset } from '../imageset.ts';
import { seededRng, shuffleInPlace } from '../rng.ts';
import { gaussian } from '../../train/seeded-random.ts';

export interface ImbalanceSpec {
  /** The minority classes. */
  classes: number[];
  /** Fraction of each minority class's samples kept (S4: 0.1). */
  keepFraction: number;
  /**
   * Rebalancing: for every kept minority sample, one copy per variance with Gaussian noise of that
   * variance added to its 0..1 pixels (clipped back to 0..1). S4: 0.1, 0.2, … 0.9.
   */
  noiseVariances?: number[];
}

/** Checks a spec, throwing with the field that is wrong. */
export function checkImbalanceSpec(spec: ImbalanceSpec): void {
  if (!Array.isArray(spec.classes) || spec.classes.length === 0 || !spec.classes.every((c) => Number.isInteger(c) && c >= 0)) {
    throw new Error(`imbalance.classes must list class indices, got ${JSON.stringify(spec.classes)}`);
  }
  if (!(spec.keepFraction > 0 && spec.keepFraction <= 1)) throw new Error(`imbalance.keepFraction must be in (0, 1], got ${spec.keepFraction}`);
  for (const v of spec.noiseVariances ?? []) if (!(v > 0)) throw new Error(`imbalance.noiseVariances must be positive, got ${v}`);
}

/**
 * The training set with each minority class cut to `keepFraction` of its samples (a seeded
 * choice), then — with `noiseVariances` — one noisy copy per variance of every kept minority
 * sample appended. Majority classes are untouched; the result is shuffled. Deterministic per seed.
 */
export function imbalanceTrainingSet(train: ImageSet, spec: ImbalanceSpec, seed: number): ImageSet {
  checkImbalanceSpec(spec);
  if ((train.labelWidth ?? 1) !== 1) throw new Error('imbalance works on single-label sets');
  const rng = seededRng(seed);
  const present = new Set(train.labels);
  const absent = spec.classes.filter((c) => !present.has(c));
  if (absent.length) throw new Error(`imbalance.classes ${absent.join(', ')} do not occur in the training split (its classes: ${[...present].sort((a, b) => a - b).join(', ')})`);
  const minority = new Set(spec.classes);
  const byClass = new Map<number, number[]>();
  const keep: number[] = [];
  for (let i = 0; i < train.count; i++) {
    const l = train.labels[i]!;
    if (!minority.has(l)) keep.push(i);
    else byClass.set(l, [...(byClass.get(l) ?? []), i]);
  }
  const kept: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = shuffleInPlace(byClass.get(c)!, rng);
    kept.push(...idx.slice(0, Math.max(1, Math.round(idx.length * spec.keepFraction))));
  }
  const variances = spec.noiseVariances ?? [];
  const base = subset(train, [...keep, ...kept]);
  const size = train.shape[0] * train.shape[1] * train.shape[2];
  const copies = kept.length * variances.length;
  const pixels = new Uint8Array((base.count + copies) * size);
  const labels = new Int32Array(base.count + copies);
  pixels.set(base.pixels);
  labels.set(base.labels);
  let at = base.count;
  for (const v of variances) {
    const std = Math.sqrt(v);
    for (const i of kept) {
      const src = train.pixels.subarray(i * size, (i + 1) * size);
      const dst = pixels.subarray(at * size, (at + 1) * size);
      for (let p = 0; p < size; p++) dst[p] = Math.round(255 * Math.min(1, Math.max(0, src[p]! / 255 + std * gaussian(rng))));
      labels[at++] = train.labels[i]!;
    }
  }
  const all: ImageSet = { pixels, labels, shape: [...train.shape], count: base.count + copies };
  assertImageSet(all, 'imbalanced training set');
  return subset(all, shuffleInPlace(Int32Array.from({ length: all.count }, (_, i) => i), rng));
}
