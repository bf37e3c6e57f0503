/**
 * Font-level train / validation / test assignment: a font's glyphs all go to one split, so the
 * validation and test fonts are never seen in training. Within each category the fonts are
 * ranked by a seeded hash of their id and cut ~70/15/15 (small categories are cut together).
 */
import { FONT_CATEGORIES, type FontCategory } from './fontsource.ts';

/** The three splits. */
export type FontSplitName = 'train' | 'validation' | 'test';
export const FONT_SPLITS: readonly FontSplitName[] = ['train', 'validation', 'test'];

/** Font ids per split, each list sorted. */
export type FontSplit = Record<FontSplitName, string[]>;

/** Fractions of each category's fonts for validation and test (the rest train). */
export interface FontSplitFractions {
  validation: number;
  test: number;
}
export const DEFAULT_FONT_FRACTIONS: Readonly<FontSplitFractions> = { validation: 0.15, test: 0.15 };

/** A 32-bit hash of (seed, id): FNV-1a over the text, then a murmur3-style finaliser. */
export function fontHash(seed: number, id: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}/${id}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function cut(ids: readonly string[], seed: number, fractions: Readonly<FontSplitFractions>, out: FontSplit): void {
  const ranked = ids
    .map((id) => ({ id, h: fontHash(seed, id) }))
    .sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const n = ranked.length;
  let nVal = 0, nTest = 0;
  if (n >= 3) {
    nVal = Math.max(fractions.validation > 0 ? 1 : 0, Math.round(n * fractions.validation));
    nTest = Math.max(fractions.test > 0 ? 1 : 0, Math.round(n * fractions.test));
    while (nVal + nTest > n - 1) (nVal >= nTest ? nVal-- : nTest--);
  }
  ranked.forEach((f, k) => out[k < nVal ? 'validation' : k < nVal + nTest ? 'test' : 'train'].push(f.id));
}

/**
 * Assigns every font to exactly one split, deterministically for (fonts, seed, fractions). Per
 * category, fonts are ranked by {@link fontHash} (ties by id); the first round(n×validation)
 * (at least 1) go to validation, the next round(n×test) (at least 1) to test, the rest (at least
 * 1) to train, so a category with ≥ 3 fonts is in every split. Categories with fewer than 3 fonts
 * are pooled and that pool is cut the same way (a pool of 1–2 fonts goes to train). Adding or
 * removing a font can move others of its group. Throws on a duplicate id or bad fractions.
 */
export function splitFonts(
  fonts: readonly { id: string; category: FontCategory }[],
  seed: number,
  fractions: Readonly<FontSplitFractions> = DEFAULT_FONT_FRACTIONS,
): FontSplit {
  if (!Number.isSafeInteger(seed)) throw new Error(`font split seed must be an integer, got ${String(seed)}`);
  const { validation, test } = fractions;
  if (!(validation >= 0 && test >= 0 && validation + test < 1)) {
    throw new Error(`font split fractions must be ≥ 0 with validation + test < 1, got validation ${validation}, test ${test}`);
  }
  const seen = new Set<string>();
  for (const f of fonts) {
    if (seen.has(f.id)) throw new Error(`font "${f.id}" is listed twice; pass each font once`);
    seen.add(f.id);
  }
  const out: FontSplit = { train: [], validation: [], test: [] };
  const small: string[] = [];
  for (const category of FONT_CATEGORIES) {
    const ids = fonts.filter((f) => f.category === category).map((f) => f.id);
    if (ids.length >= 3) cut(ids, seed, fractions, out);
    else small.push(...ids);
  }
  cut(small, seed, fractions, out);
  for (const s of FONT_SPLITS) out[s].sort();
  return out;
}
