/**
 * A small seeded PRNG (mulberry32 over a splitmix-mixed seed) so dataset splits are reproducible
 * across machines and Node versions — Math.random is never used for anything that is recorded.
 */

/** A function returning uniform floats in [0, 1). */
export type Rng = () => number;

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Returns a deterministic generator for `seed` (any safe integer, negative included): the same
 * seed always yields the same sequence, and nearby seeds yield unrelated sequences.
 */
export function seededRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`seed must be a safe integer, got ${String(seed)}; pass e.g. --seed 42`);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x100000000) >>> 0;
  let state = mix32(lo ^ mix32(hi ^ 0x9e3779b9));
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `items` in place (Fisher–Yates) with `rng` and returns it. */
export function shuffleInPlace<T extends Int32Array | number[]>(items: T, rng: Rng): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
