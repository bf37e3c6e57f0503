/**
 * Seeded randomness. tfjs draws its weight-initialiser and dropout seeds from Math.random when
 * none is given, so replacing Math.random with a seeded generator makes a run reproducible.
 */
import { seededRng, shuffleInPlace, type Rng } from '../data/rng.ts';

/** A seeded generator of floats in [0, 1) (the data layer's mulberry32). */
export function mulberry32(seed: number): Rng {
  return seededRng(seed);
}

/** Derives a sub-seed from a seed and a label, so that e.g. each epoch's shuffle is independent. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const ch of labels.join('/')) {
    h = Math.imul(h ^ ch.charCodeAt(0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}

/** Runs `fn` with Math.random replaced by a generator seeded with `seed`; restores it afterwards. */
export async function withSeededMathRandom<T>(seed: number, fn: () => Promise<T> | T): Promise<T> {
  const original = Math.random;
  Math.random = mulberry32(seed);
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function shuffledIndices(n: number, seed: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return shuffleInPlace(idx, seededRng(seed));
}

/** A standard normal sample from a uniform generator (Box–Muller). */
export function gaussian(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** `n` deterministic values in [-scale, scale) from a xorshift32 stream seeded by `seed` (test inputs, weights, benchmark data). */
export function uniformValues(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32 * 2 - 1) * scale;
  }
  return out;
}
