/**
 * The steps the font-rendered datasets (`fonts`, `letters`) share: keep the fonts checkFont
 * accepts, render one split font by font into a pool and shuffle it in a seeded order, and count
 * a split's fonts per category.
 */
import type { ImageSet } from '../types.ts';
import { seededRng, shuffleInPlace } from '../rng.ts';
import { subset } from '../imageset.ts';
import { FONT_CATEGORIES, type FontCategory, type FontInfo } from './fontsource.ts';
import { checkFont } from './check.ts';
import { FONT_SPLITS, fontHash, type FontSplit, type FontSplitName } from './split.ts';

/** A font checkFont turned down, and why. */
export interface RejectedFont {
  id: string;
  category: FontCategory;
  reason: string;
}

/** The fonts checkFont accepts (in the given order), and the others with the reason. */
export function acceptFonts(fonts: readonly FontInfo[]): { accepted: FontInfo[]; rejected: RejectedFont[] } {
  const accepted: FontInfo[] = [];
  const rejected: RejectedFont[] = [];
  for (const f of fonts) {
    const c = checkFont(f);
    if (c.ok) accepted.push(f);
    else rejected.push({ id: f.id, category: f.category, reason: c.reason });
  }
  return { accepted, rejected };
}

/** Adds one rendered sample (size × size uint8 pixels) with its label to the split being built. */
export type EmitSample = (pixels: Uint8Array, label: number) => void;

/**
 * One split of exactly `count` samples of size × size × 1: `renderFont` is called for each font in
 * order (with its index) and emits that font's samples; the pool is then shuffled in the order
 * seeded by (seed, orderKey). Throws when the fonts emit more or fewer than `count` samples.
 */
export function renderSplit(
  fonts: readonly FontInfo[],
  count: number,
  size: number,
  order: { seed: number; key: string },
  renderFont: (font: FontInfo, index: number, emit: EmitSample) => void,
): ImageSet {
  const px = size * size;
  const pool: ImageSet = { pixels: new Uint8Array(count * px), labels: new Int32Array(count), shape: [size, size, 1], count };
  let at = 0;
  const emit: EmitSample = (pixels, label) => {
    if (at >= count) throw new Error(`renderSplit: the fonts rendered more than the ${count} samples planned`);
    pool.pixels.set(pixels, at * px);
    pool.labels[at++] = label;
  };
  fonts.forEach((font, i) => renderFont(font, i, emit));
  if (at !== count) throw new Error(`renderSplit: the fonts rendered ${at} samples, ${count} were planned`);
  return subset(pool, shuffleInPlace(Int32Array.from({ length: count }, (_, i) => i), seededRng(fontHash(order.seed, order.key))));
}

/** How many of each split's fonts fall in each category (every category listed, 0 when none). */
export function fontsPerCategory(split: FontSplit, byId: ReadonlyMap<string, FontInfo>): Record<FontSplitName, Record<FontCategory, number>> {
  const zero = () => Object.fromEntries(FONT_CATEGORIES.map((c) => [c, 0])) as Record<FontCategory, number>;
  const out = { train: zero(), validation: zero(), test: zero() };
  for (const s of FONT_SPLITS) for (const id of split[s]) out[s][byId.get(id)!.category]++;
  return out;
}
