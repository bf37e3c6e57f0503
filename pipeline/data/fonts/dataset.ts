/**
 * The glyph dataset: every accepted font renders N jittered samples of each letter, and whole
 * fonts go to train, validation or test (split.ts), so evaluation measures generalisation to
 * unseen fonts. Output uses the same types as the other loaders (SplitImageDataset of uint8,
 * white ink on black, [size, size, 1]). Not registered in the dataset registry yet.
 */
import type { ImageSet, SplitImageDataset } from '../types.ts';
import { listFontsourceFonts, type FontCategory, type FontInfo } from './fontsource.ts';
import { acceptFonts, fontsPerCategory, renderSplit, type RejectedFont } from './samples.ts';
import { DEFAULT_JITTER, LETTERS, fontLayout, registerFont, renderGlyph, type GlyphJitter } from './render.ts';
import { DEFAULT_FONT_FRACTIONS, FONT_SPLITS, fontHash, splitFonts, type FontSplit, type FontSplitFractions, type FontSplitName } from './split.ts';

/** Options of {@link buildFontDataset}. */
export interface FontDatasetOptions {
  /** A node_modules folder holding `@fontsource/*` packages (ignored when `fonts` is given). */
  nodeModules?: string;
  /** The fonts to use, e.g. from listFontsourceFonts (filtered). */
  fonts?: readonly FontInfo[];
  /** Seed for the font split, the jitter of every sample and the sample order. */
  seed: number;
  /** Samples per (font, letter): one number for every split, or one per split. */
  samplesPerClass: number | Record<FontSplitName, number>;
  /** The classes, in label order (default all 52 letters A–Z a–z; e.g. a subset for `letters`). */
  letters?: string;
  /** Output side (default 100). */
  size?: number;
  /** Jitter ranges (default ±10°, shear ±0.15, scale 0.85–1.15, shift ±6 px). */
  jitter?: Readonly<GlyphJitter>;
  fractions?: Readonly<FontSplitFractions>;
}

/** What went into the dataset: fonts per split and category, rejected fonts and why, counts. */
export interface FontDatasetSummary {
  size: number;
  letters: string;
  samplesPerClass: Record<FontSplitName, number>;
  /** Font ids per split. */
  fonts: FontSplit;
  /** Number of fonts per split and category. */
  fontsPerCategory: Record<FontSplitName, Record<FontCategory, number>>;
  /** Samples per split. */
  samples: Record<FontSplitName, number>;
  rejected: RejectedFont[];
  /** Licence per accepted font id (all fontsource fonts carry one; mostly OFL-1.1). */
  licenses: Record<string, string>;
}

/** The dataset and its summary. */
export interface FontDatasetResult {
  dataset: SplitImageDataset;
  summary: FontDatasetSummary;
}

/**
 * Builds the glyph dataset: lists (or takes) the fonts, drops those checkFont rejects (recorded
 * with their reason), splits the rest by font (splitFonts), and renders samplesPerClass jittered
 * samples of every letter of every font into its split, each split in a seeded shuffled order.
 * Labels are indices into `letters` (0..51 by default). Deterministic for the same fonts and
 * options. Throws when no font is accepted or a split ends up empty. Memory: each sample is
 * size² bytes (10 KB at 100×100), so fonts × letters × samplesPerClass sets the cost.
 */
export function buildFontDataset(options: FontDatasetOptions): FontDatasetResult {
  const size = options.size ?? 100;
  const letters = options.letters ?? LETTERS;
  if (!letters.length || new Set(letters).size !== letters.length || [...letters].some((c) => !LETTERS.includes(c))) {
    throw new Error(`letters must be distinct ASCII letters, got "${letters}"`);
  }
  const per = typeof options.samplesPerClass === 'number'
    ? { train: options.samplesPerClass, validation: options.samplesPerClass, test: options.samplesPerClass }
    : { ...options.samplesPerClass };
  for (const s of FONT_SPLITS) {
    if (!Number.isInteger(per[s]) || per[s] < 1) throw new Error(`samplesPerClass for ${s} must be a positive integer, got ${String(per[s])}`);
  }
  let all: readonly FontInfo[];
  if (options.fonts) all = options.fonts;
  else if (options.nodeModules) all = listFontsourceFonts(options.nodeModules);
  else throw new Error('buildFontDataset: pass nodeModules (a folder with @fontsource packages) or fonts');

  const { accepted, rejected } = acceptFonts(all);
  if (!accepted.length) throw new Error(`no usable fonts: all ${all.length} were rejected (${rejected.map((r) => `${r.id}: ${r.reason}`).join('; ') || 'none given'})`);
  const split = splitFonts(accepted, options.seed, options.fractions ?? DEFAULT_FONT_FRACTIONS);
  const byId = new Map(accepted.map((f) => [f.id, f]));
  const jitter = options.jitter ?? DEFAULT_JITTER;
  const sets = {} as Record<FontSplitName, ImageSet>;
  for (const s of FONT_SPLITS) {
    const ids = split[s];
    if (!ids.length) throw new Error(`the ${s} split has no fonts (${accepted.length} accepted); install more @fontsource fonts or change the split fractions`);
    sets[s] = renderSplit(ids.map((id) => byId.get(id)!), ids.length * letters.length * per[s], size, { seed: options.seed, key: `order/${s}` }, (font, _i, emit) => {
      const layout = fontLayout(registerFont(font), size);
      for (let label = 0; label < letters.length; label++) {
        for (let k = 0; k < per[s]; k++) emit(renderGlyph(layout, letters[label]!, { seed: fontHash(options.seed, `${font.id}/${letters[label]}/${k}`), jitter }), label);
      }
    });
  }
  const summary: FontDatasetSummary = {
    size,
    letters,
    samplesPerClass: per,
    fonts: split,
    fontsPerCategory: fontsPerCategory(split, byId),
    samples: { train: sets.train.count, validation: sets.validation.count, test: sets.test.count },
    rejected,
    licenses: Object.fromEntries(accepted.map((f) => [f.id, f.license])),
  };
  const dataset: SplitImageDataset = {
    name: 'fonts',
    classNames: [...letters],
    train: sets.train,
    validation: sets.validation,
    test: sets.test,
    source: `@fontsource: ${accepted.length} fonts (${split.train.length}/${split.validation.length}/${split.test.length} train/validation/test), ` +
      `${rejected.length} rejected, ${letters.length} letters, ${size}×${size}`,
  };
  return { dataset, summary };
}
