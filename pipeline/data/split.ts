/**
 * Seeded, class-stratified train / validation / test splits. The same labels + spec always give
 * the same indices; each class is shuffled on its own so every split sees every class.
 */
import type { ImageSet, SplitSpec } from './types.ts';
import { seededRng, shuffleInPlace } from './rng.ts';
import { subset } from './imageset.ts';

/** Index lists (into the pool) of each split, each in a seeded mixed-class order. */
export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/**
 * How many samples per class go to validation / test:
 * - 'equal': the same number for every class (fraction × the smallest class), so evaluation
 *   sets are class-balanced even when the pool is not; the surplus stays in train.
 * - 'proportional': fraction × each class's own count.
 */
export type EvalBalance = 'equal' | 'proportional';

/** Throws an error saying what to change unless `spec` has a safe-integer seed and fractions in [0, 1) summing to ≤ 1. */
export function validateSplitSpec(spec: SplitSpec): void {
  if (!Number.isSafeInteger(spec.seed)) throw new Error(`Invalid split: seed must be an integer, got ${String(spec.seed)}`);
  for (const key of ['validationFraction', 'testFraction'] as const) {
    const v = spec[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
      throw new Error(`Invalid split: ${key} must be a number in [0, 1), got ${String(v)}`);
    }
  }
  const sum = spec.validationFraction + spec.testFraction;
  if (sum > 1) {
    throw new Error(`Invalid split: validationFraction + testFraction = ${sum} exceeds 1; lower one of them (e.g. 0.1 and 0.1)`);
  }
}

/**
 * Splits sample indices 0..labels.length-1 by class: each class's indices are shuffled with
 * the seed, the first ones go to validation, the next to test, the rest to train; then each
 * split is shuffled. Deterministic for (labels, numClasses, spec, balance). With 'equal'
 * (default) validation and test hold exactly the same count of every class present.
 */
export function stratifiedSplitIndices(
  labels: Int32Array,
  numClasses: number,
  spec: SplitSpec,
  balance: EvalBalance = 'equal',
): SplitIndices {
  validateSplitSpec(spec);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l < 0 || l >= numClasses) throw new Error(`Cannot split: label ${l} at index ${i} is outside 0..${numClasses - 1}`);
    byClass[l].push(i);
  }
  const present = byClass.filter((ix) => ix.length > 0);
  const smallest = present.length ? Math.min(...present.map((ix) => ix.length)) : 0;
  const rng = seededRng(spec.seed);
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  for (const ix of byClass) {
    shuffleInPlace(ix, rng);
    const base = balance === 'equal' ? smallest : ix.length;
    const nVal = Math.min(Math.round(base * spec.validationFraction), ix.length);
    const nTest = Math.min(Math.round(base * spec.testFraction), base - nVal, ix.length - nVal);
    for (let k = 0; k < ix.length; k++) {
      (k < nVal ? validation : k < nVal + nTest ? test : train).push(ix[k]);
    }
  }
  return {
    train: shuffleInPlace(Int32Array.from(train), rng),
    validation: shuffleInPlace(Int32Array.from(validation), rng),
    test: shuffleInPlace(Int32Array.from(test), rng),
  };
}

/** Cuts `pool` into three new ImageSets with {@link stratifiedSplitIndices}. */
export function splitImageSet(
  pool: ImageSet,
  numClasses: number,
  spec: SplitSpec,
  balance: EvalBalance = 'equal',
): { train: ImageSet; validation: ImageSet; test: ImageSet } {
  const ix = stratifiedSplitIndices(pool.labels, numClasses, spec, balance);
  return { train: subset(pool, ix.train), validation: subset(pool, ix.validation), test: subset(pool, ix.test) };
}
