/**
 * The `letters` dataset: letters as someone draws them, for the web demo. Glyphs of handwriting
 * (and plain sans-serif) fonts are rendered with a seeded affine jitter, their strokes thickened or
 * thinned to a random pen width, and then normalised exactly like MNIST and like a drawing in the
 * demo (pipeline/preprocess: crop the ink, fit 20×20, centre of mass at the centre of 28×28).
 *
 * Classes: EMNIST-balanced's 37 letter classes. After the MNIST fit a letter's size and baseline
 * are gone, so a lowercase letter whose shape is its capital's (c o s u v w x z, and k m p y j i as
 * people draw them) cannot be told from it: those pairs are one class. Unlike EMNIST, lowercase l
 * joins I (both a vertical bar) rather than L. Whole fonts go to train, validation or test.
 */
import type { ImageSet, SplitImageDataset } from '../types.ts';
import { seededRng } from '../rng.ts';
import { fitCenterOfMass } from '../../preprocess/image.ts';
import { FONT_CATEGORIES, type FontCategory, type FontInfo } from './fontsource.ts';
import { acceptFonts, fontsPerCategory, renderSplit } from './samples.ts';
import { fontLayout, registerFont, renderGlyph, type GlyphJitter } from './render.ts';
import { DEFAULT_FONT_FRACTIONS, FONT_SPLITS, fontHash, splitFonts, type FontSplit, type FontSplitFractions, type FontSplitName } from './split.ts';

/**
 * The 37 classes in label order; each is the glyphs it is rendered from (label name = that string):
 * 26 capitals (15 merged with their lowercase, I also with l) and the 11 lowercase letters whose
 * shape differs from their capital's (EMNIST balanced: a b d e f g h n q r t).
 */
export const LETTER_CLASSES: readonly string[] = [
  'A', 'B', 'Cc', 'D', 'E', 'F', 'G', 'H', 'Iil', 'Jj', 'Kk', 'L', 'Mm', 'N', 'Oo', 'Pp', 'Q', 'R', 'Ss', 'T', 'Uu', 'Vv', 'Ww', 'Xx', 'Yy', 'Zz',
  'a', 'b', 'd', 'e', 'f', 'g', 'h', 'n', 'q', 'r', 't',
];

/** The 26 capitals, one class each: for tasks that need every letter told apart (S0's letter sequences). */
export const CAPITAL_CLASSES: readonly string[] = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** The font categories `letters` draws from by default: hand-drawn shapes, and plain monoline print. */
export const LETTER_FONT_CATEGORIES: readonly FontCategory[] = ['handwriting', 'sans-serif'];

/** The per-sample jitter at render time (rotation, shear, scale; the MNIST fit undoes shifts). */
export const LETTER_JITTER: Readonly<GlyphJitter> = { rotationDeg: 12, shear: 0.25, scaleMin: 0.9, scaleMax: 1.1, shiftPx: 0 };

/** Options of {@link buildLetterDataset}. */
export interface LetterDatasetOptions {
  /** The fonts (installed); fonts checkFont rejects are dropped and listed in the summary. */
  fonts: readonly FontInfo[];
  seed: number;
  /** Samples per class in each split (spread evenly over that split's fonts). */
  perClass: Record<FontSplitName, number>;
  /** Fractions of fonts for validation and test (default 0.15 / 0.15). */
  fractions?: Readonly<FontSplitFractions>;
  /** Side of the render before the MNIST fit (default 96). */
  renderSize?: number;
  /** Pen width range, as a fraction of the glyph's larger side (default 0.07–0.16; the demo's pen is ~0.11). */
  stroke?: readonly [number, number];
  jitter?: Readonly<GlyphJitter>;
  /** Output side (default 28; the ink is fitted into 20/28 of it). */
  size?: number;
  /** The classes, each the glyphs it is rendered from (default LETTER_CLASSES; CAPITAL_CLASSES for 26 capitals). */
  classes?: readonly string[];
}

/** What went into the dataset. */
export interface LetterDatasetSummary {
  classes: readonly string[];
  fonts: FontSplit;
  fontsPerCategory: Record<FontSplitName, Record<FontCategory, number>>;
  samples: Record<FontSplitName, number>;
  rejected: { id: string; reason: string }[];
}

/** Estimated stroke width of binarised ink (> 127): 2 × area / boundary length (a stroke of width w and length L has area wL and ~2L boundary pixels). */
export function strokeWidth(pixels: Uint8Array, side: number): { width: number; box: number } {
  let area = 0, boundary = 0, x0 = side, y0 = side, x1 = -1, y1 = -1;
  const ink = (x: number, y: number) => x >= 0 && y >= 0 && x < side && y < side && pixels[y * side + x]! > 127;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (!ink(x, y)) continue;
      area++;
      if (!ink(x - 1, y) || !ink(x + 1, y) || !ink(x, y - 1) || !ink(x, y + 1)) boundary++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return { width: boundary ? (2 * area) / boundary : 0, box: x1 < 0 ? 0 : Math.max(x1 - x0 + 1, y1 - y0 + 1) };
}

/** One 3×3 grey-level dilation (`thicken`) or erosion of a side×side image (outside = 0), into a new array; separable (3×1 then 1×3). */
function morph(src: Uint8Array, side: number, thicken: boolean): Uint8Array {
  const tmp = new Uint8Array(src.length);
  const out = new Uint8Array(src.length);
  const pick = thicken ? (a: number, b: number) => (a > b ? a : b) : (a: number, b: number) => (a < b ? a : b);
  for (let y = 0; y < side; y++) {
    const row = y * side;
    for (let x = 0; x < side; x++) {
      const l = x > 0 ? src[row + x - 1]! : 0, r = x < side - 1 ? src[row + x + 1]! : 0;
      tmp[row + x] = pick(pick(l, src[row + x]!), r);
    }
  }
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = y * side + x;
      const u = y > 0 ? tmp[i - side]! : 0, d = y < side - 1 ? tmp[i + side]! : 0;
      out[i] = pick(pick(u, tmp[i]!), d);
    }
  }
  return out;
}

/**
 * Thickens or thins `pixels`' strokes towards `target` × the glyph's larger side: each 3×3
 * dilation adds about 2 px of width, each erosion removes about 2 (never below ~2 px, so no
 * stroke vanishes). At most 6 dilations and 2 erosions.
 */
export function setStrokeWidth(pixels: Uint8Array, side: number, target: number): Uint8Array {
  const { width, box } = strokeWidth(pixels, side);
  if (!box) return pixels;
  let steps = Math.round((target * box - width) / 2);
  steps = Math.max(-2, Math.min(6, steps));
  if (steps < 0) steps = -Math.min(-steps, Math.max(0, Math.floor((width - 2) / 2)));
  let out = pixels;
  for (let i = 0; i < Math.abs(steps); i++) out = morph(out, side, steps > 0);
  return out;
}

/** One sample: render, pen width, MNIST fit, back to uint8 (white ink on black). */
export function renderLetterSample(
  layout: ReturnType<typeof fontLayout>,
  ch: string,
  seed: number,
  opts: { stroke: readonly [number, number]; jitter: Readonly<GlyphJitter>; size: number },
): Uint8Array {
  const side = layout.size;
  const r = seededRng(seed);
  const target = opts.stroke[0] + r() * (opts.stroke[1] - opts.stroke[0]);
  const raw = setStrokeWidth(renderGlyph(layout, ch, { seed, jitter: opts.jitter }), side, target);
  const ink = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) ink[i] = raw[i]! / 255;
  const fitted = fitCenterOfMass(ink, side, side, opts.size, opts.size, Math.round((opts.size * 20) / 28));
  const out = new Uint8Array(fitted.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, fitted[i]!)) * 255);
  return out;
}

/**
 * Builds the letters dataset: drops fonts checkFont rejects, splits the rest by font
 * (splitFonts), and gives every class exactly perClass[split] samples per split, spread over that
 * split's fonts (font i of n renders ⌊P/n⌋ or ⌈P/n⌉) and over the class's glyphs in turn (a
 * merged class alternates capital and lowercase). Each split is shuffled by seed. Deterministic.
 */
export function buildLetterDataset(options: LetterDatasetOptions): { dataset: SplitImageDataset; summary: LetterDatasetSummary } {
  const size = options.size ?? 28;
  const classes = options.classes ?? LETTER_CLASSES;
  const renderSize = options.renderSize ?? 96;
  const stroke = options.stroke ?? [0.07, 0.16];
  const jitter = options.jitter ?? LETTER_JITTER;
  if (!(stroke[0] > 0 && stroke[1] >= stroke[0] && stroke[1] < 0.5)) throw new Error(`letters stroke range must satisfy 0 < min ≤ max < 0.5, got ${stroke.join('..')}`);
  for (const s of FONT_SPLITS) {
    const p = options.perClass[s];
    if (!Number.isInteger(p) || p < 1) throw new Error(`letters: samples per class for ${s} must be a positive integer, got ${String(p)}`);
  }
  const { accepted, rejected } = acceptFonts(options.fonts);
  const split = splitFonts(accepted, options.seed, options.fractions ?? DEFAULT_FONT_FRACTIONS);
  const byId = new Map(accepted.map((f) => [f.id, f]));
  const sets = {} as Record<FontSplitName, ImageSet>;
  for (const s of FONT_SPLITS) {
    const ids = split[s];
    if (!ids.length) throw new Error(`letters: the ${s} split has no fonts (${accepted.length} accepted of ${options.fonts.length}); use more fonts`);
    const P = options.perClass[s];
    sets[s] = renderSplit(ids.map((id) => byId.get(id)!), P * classes.length, size, { seed: options.seed, key: `letters/order/${s}` }, (font, fi, emit) => {
      const layout = fontLayout(registerFont(font), renderSize);
      // font i of n renders ⌊P/n⌋ or ⌈P/n⌉ samples of each class
      const n = Math.floor(P / ids.length) + (fi < P % ids.length ? 1 : 0);
      classes.forEach((glyphs, label) => {
        for (let k = 0; k < n; k++) {
          // the glyph alternates over the class's letters, starting at a font-dependent one
          const ch = glyphs[(k + fi) % glyphs.length]!;
          emit(renderLetterSample(layout, ch, fontHash(options.seed, `letters/${font.id}/${ch}/${k}`), { stroke, jitter, size }), label);
        }
      });
    });
  }
  const perCategory = fontsPerCategory(split, byId);
  const cats = FONT_CATEGORIES.filter((c) => accepted.some((f) => f.category === c));
  const dataset: SplitImageDataset = {
    name: 'letters',
    classNames: [...classes],
    train: sets.train,
    validation: sets.validation,
    test: sets.test,
    source:
      `@fontsource ${cats.join('+')}: ${accepted.length} fonts (${split.train.length}/${split.validation.length}/${split.test.length} train/validation/test), ` +
      `${rejected.length} rejected, ${classes.length} classes (${classes === LETTER_CLASSES ? 'EMNIST-balanced letters' : classes.join('')}), rendered ${renderSize}px, MNIST-fitted ${size}×${size}`,
  };
  return {
    dataset,
    summary: { classes, fonts: split, fontsPerCategory: perCategory, samples: { train: sets.train.count, validation: sets.validation.count, test: sets.test.count }, rejected: rejected.map(({ id, reason }) => ({ id, reason })) },
  };
}
