/**
 * The `debian-packages` dataset (S2 part B's text classification, offline): Debian package
 * descriptions labelled by their archive section. Each sample is a description's token ids
 * (Uint16Array, shape [length, 1, 1]); the class is its section, among a fixed list of sections.
 *
 * Build: every package of the apt lists (de-duplicated by name) whose section is listed; per
 * section, the packages sorted by name, shuffled by the seed and cut to `perClass`; a seeded
 * stratified split (pipeline/data/split.ts); then tokenisation, the word vocabulary coming from
 * the training split only. The dataset carries its tokenizer (level, length, words), so that a
 * served model can tokenise new text exactly as training did.
 */
import { resolve } from 'node:path';
import type { SplitImageDataset, SplitSpec, ImageSet } from '../types.ts';
import type { DatasetEntry, DatasetLoadOptions } from '../registry.ts';
import { stratifiedSplitIndices, validateSplitSpec, type EvalBalance } from '../split.ts';
import { seededRng, shuffleInPlace } from '../rng.ts';
import { fileFingerprint } from '../files.ts';
import { datasetCacheKey } from '../cache.ts';
import { APT_LISTS_DEFAULT_DIR, listPackagesFiles, readAptPackages, topSections, type PackageRecord } from './apt-lists.ts';
import { buildWordVocabulary, createTokenizer, tokenizerSpec, type TokenLevel, type WordVocabulary } from './tokenize.ts';

/** Bumped when this loader's output for the same lists and options changes (3: the dataset carries its tokenizer). */
export const TEXT_LOADER_VERSION = 3;

/** The loader's options (a recipe's `data.options`). */
export interface TextDatasetOptions {
  level: TokenLevel;
  /** Tokens per sample after padding / truncation. */
  length: number;
  /** Word level: vocabulary size N (ids 2..N+1); ignored at char level. */
  vocab: number;
  /** At most this many packages per section (before the split). */
  perClass: number;
  /** The class list, in label order; empty = the `topN` largest sections of these lists. */
  sections: string[];
  topN: number;
}

export const TEXT_DATASET_DEFAULTS: TextDatasetOptions = { level: 'word', length: 16, vocab: 5000, perClass: 1000, sections: [], topN: 15 };
const KNOWN = ['level', 'length', 'vocab', 'perClass', 'sections', 'topN', 'dir'] as const;

function intParam(params: DatasetLoadOptions['params'], key: string, fallback: number, min: number, max: number): number {
  const raw = params?.[key];
  const v = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`dataset debian-packages: option ${key} must be an integer in ${min}..${max}, got ${String(raw)}`);
  return v;
}

/** The loader's options from a recipe's `data.options` (unknown keys and bad values are errors). */
export function textDatasetOptions(params: DatasetLoadOptions['params']): TextDatasetOptions {
  const unknown = Object.keys(params ?? {}).filter((k) => !(KNOWN as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`dataset debian-packages has no option ${unknown.join(', ')}; its options: ${KNOWN.join(', ')}`);
  const level = String(params?.level ?? TEXT_DATASET_DEFAULTS.level);
  if (level !== 'char' && level !== 'word') throw new Error(`dataset debian-packages: option level must be "char" or "word", got "${level}"`);
  const sections = String(params?.sections ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (new Set(sections).size !== sections.length) throw new Error(`dataset debian-packages: option sections lists a section twice: ${sections.join(',')}`);
  return {
    level,
    length: intParam(params, 'length', level === 'char' ? 80 : TEXT_DATASET_DEFAULTS.length, 1, 4096),
    vocab: intParam(params, 'vocab', TEXT_DATASET_DEFAULTS.vocab, 1, 65534),
    perClass: intParam(params, 'perClass', TEXT_DATASET_DEFAULTS.perClass, 1, 1_000_000),
    sections,
    topN: intParam(params, 'topN', TEXT_DATASET_DEFAULTS.topN, 2, 1000),
  };
}

/** The lists folder: option `dir` (a data folder), then params.dir, ONNXLINE_APT_LISTS_DIR, /var/lib/apt/lists. */
export function aptListsDir(o?: DatasetLoadOptions): string {
  return resolve(o?.dir ?? (o?.params?.dir !== undefined ? String(o.params.dir) : undefined) ?? process.env.ONNXLINE_APT_LISTS_DIR ?? APT_LISTS_DEFAULT_DIR);
}

/** The result of tokenising split texts, plus what a server would need to tokenise new text. */
export interface TextSplitResult {
  dataset: SplitImageDataset;
  /** Word level: the vocabulary built from the training split. */
  vocabulary?: WordVocabulary;
}

/**
 * One package per distinct description: many packages share a description word for word (e.g.
 * "(documentation)" siblings), and a split by package would then put the same text in training
 * and test. A text found under several of `sections` is dropped (its label is ambiguous); a text
 * found in one keeps its first package by name.
 */
export function distinctDescriptions(packages: readonly PackageRecord[], sections: ReadonlySet<string>): PackageRecord[] {
  const byText = new Map<string, PackageRecord[]>();
  for (const p of packages) {
    if (!sections.has(p.section)) continue;
    const key = p.description.toLowerCase().replace(/\s+/g, ' ').trim();
    byText.set(key, [...(byText.get(key) ?? []), p]);
  }
  const out: PackageRecord[] = [];
  for (const group of byText.values()) {
    if (new Set(group.map((p) => p.section)).size > 1) continue;
    out.push(group.reduce((a, b) => (b.name < a.name ? b : a)));
  }
  return out;
}

/**
 * Builds the dataset from parsed packages (no I/O): selects the sections, keeps one package per
 * distinct description, caps each section at `perClass`, splits by the seed, tokenises.
 */
export function buildTextDataset(packages: readonly PackageRecord[], spec: SplitSpec, options: TextDatasetOptions, balance: EvalBalance = 'equal', source = 'Debian package descriptions'): TextSplitResult {
  validateSplitSpec(spec);
  const sections = options.sections.length ? options.sections : topSections(packages, options.topN).map((s) => s.section);
  const index = new Map(sections.map((s, i) => [s, i]));
  const bySection: PackageRecord[][] = sections.map(() => []);
  for (const p of distinctDescriptions(packages, new Set(sections))) {
    const k = index.get(p.section);
    if (k !== undefined) bySection[k]!.push(p);
  }
  const empty = sections.filter((_, k) => bySection[k]!.length === 0);
  if (empty.length) throw new Error(`dataset debian-packages: no packages of section${empty.length > 1 ? 's' : ''} ${empty.join(', ')} in the lists`);
  const rng = seededRng(spec.seed);
  const pool: PackageRecord[] = [];
  const poolLabels: number[] = [];
  const available: number[] = [];
  bySection.forEach((list, k) => {
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    available.push(list.length);
    const order = shuffleInPlace(Array.from(list.keys()), rng).slice(0, options.perClass);
    for (const i of order) {
      pool.push(list[i]!);
      poolLabels.push(k);
    }
  });
  const ix = stratifiedSplitIndices(Int32Array.from(poolLabels), sections.length, spec, balance);
  const vocabulary = options.level === 'word' ? buildWordVocabulary(Array.from(ix.train, (i) => pool[i]!.description), options.vocab) : undefined;
  const tokenizer = tokenizerSpec(options.level, options.length, vocabulary);
  const tokenize = createTokenizer(tokenizer);
  const encode = (indices: Int32Array): ImageSet => {
    const pixels = new Uint16Array(indices.length * options.length);
    const labels = new Int32Array(indices.length);
    indices.forEach((i, n) => {
      tokenize.encode(pool[i]!.description, pixels, n * options.length);
      labels[n] = poolLabels[i]!;
    });
    return { pixels, labels, shape: [options.length, 1, 1], count: indices.length };
  };
  const level = options.level === 'word' ? `word level (${options.vocab} words from the training split)` : 'char level';
  return {
    dataset: {
      name: 'debian-packages',
      classNames: sections,
      train: encode(ix.train),
      validation: encode(ix.validation),
      test: encode(ix.test),
      source: `${source}: ${sections.length} sections, ${pool.length} packages (≤ ${options.perClass} per section of ${Math.min(...available)}–${Math.max(...available)}), ${level}, ${options.length} tokens`,
      tokenizer,
    },
    ...(vocabulary ? { vocabulary } : {}),
  };
}

/** Reads the apt lists and builds the dataset (with the word vocabulary at word level). */
export async function loadTextDataset(spec: SplitSpec, o?: DatasetLoadOptions): Promise<TextSplitResult> {
  validateSplitSpec(spec);
  const options = textDatasetOptions(o?.params);
  const dir = aptListsDir(o);
  const { packages, files } = await readAptPackages(dir);
  return buildTextDataset(packages, spec, options, o?.balance ?? 'equal', `Debian package descriptions (${files.length} apt lists in ${dir}, ${packages.length} packages)`);
}

/** The registry entry. */
export const debianPackagesDataset: DatasetEntry = {
  name: 'debian-packages',
  description: 'Debian package descriptions from the apt lists (apt-get update), labelled by archive section; token ids, [length, 1, 1]',
  tokenized: true,
  shape: [TEXT_DATASET_DEFAULTS.length, 1, 1],
  numClasses: TEXT_DATASET_DEFAULTS.topN,
  load: async (spec, o) => (await loadTextDataset(spec, o)).dataset,
  cacheKey: async (spec, o) => {
    validateSplitSpec(spec);
    const p = textDatasetOptions(o?.params);
    const dir = aptListsDir(o);
    return datasetCacheKey('debian-packages', {
      v: TEXT_LOADER_VERSION,
      seed: spec.seed,
      val: spec.validationFraction,
      test: spec.testFraction,
      balance: o?.balance ?? 'equal',
      level: p.level,
      length: p.length,
      vocab: p.level === 'word' ? p.vocab : undefined,
      perClass: p.perClass,
      sections: p.sections.length ? p.sections.join(',') : `top${p.topN}`,
      dir,
      files: await fileFingerprint(await listPackagesFiles(dir)),
    });
  },
};
