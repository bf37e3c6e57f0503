/**
 * The `data` stage: loads the recipe's dataset (through the binary cache), splits it by seed, and
 * writes the split into the run as one compact binary file plus a readable summary; a text
 * dataset also writes its tokenizer (data/tokenizer.json), which the export stage puts into the
 * ONNX model so that a server can tokenise text exactly as training did.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { writeFileAtomic, writeJsonAtomic } from '../runner/atomic.ts';
import { decodeDatasetCache, encodeDatasetCache, isTokenizedDataset, loadDataset } from '../data/index.ts';
import { parseTokenizerSpec, type TokenizerSpec } from '../data/text/tokenize.ts';
import type { ImageSet, SplitImageDataset } from '../data/types.ts';
import { classCounts, subset } from '../data/imageset.ts';
import type { ResolvedConfig, Stage } from '../runner/stage.ts';
import { applyDataTransform } from '../data/transforms/index.ts';

export const DATASET_FILE = 'data/dataset.bin';
export const TOKENIZER_FILE = 'data/tokenizer.json';
const RUN_DATASET_KEY = 'run-split';

/** Writes a split dataset as the run's compact binary file (the data cache's format). */
export async function writeDatasetFile(path: string, ds: SplitImageDataset): Promise<void> {
  await writeFileAtomic(path, encodeDatasetCache(RUN_DATASET_KEY, ds));
}

/** Reads the run's dataset file back; a damaged file is an error saying to rerun the data stage. */
export async function readDatasetFile(path: string): Promise<SplitImageDataset> {
  try {
    return decodeDatasetCache(new Uint8Array(await readFile(path)), RUN_DATASET_KEY);
  } catch (err) {
    throw new Error(`${path} is unreadable (${(err as Error).message}); rerun the data stage with --force`);
  }
}

/** True when two sets hold the same samples: shape, count, label width, pixels (or token ids) and labels. */
function sameSet(a: ImageSet, b: ImageSet): boolean {
  const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return (
    a.count === b.count &&
    a.shape.every((d, i) => d === b.shape[i]) &&
    (a.labelWidth ?? 1) === (b.labelWidth ?? 1) &&
    a.pixels.constructor === b.pixels.constructor &&
    bytes(a.pixels).equals(bytes(b.pixels)) &&
    bytes(a.labels).equals(bytes(b.labels))
  );
}

/**
 * True when the run's dataset file at `path` already holds `ds`: the same name, classes, source
 * and samples of every split, and no other tokenizer. Rewriting it would change only its
 * timestamp — and its hash, which would make the train stage run again for nothing (e.g. when a
 * run from before tokenizers were kept gets its data/tokenizer.json).
 */
export async function holdsDataset(path: string, ds: SplitImageDataset): Promise<boolean> {
  if (!existsSync(path)) return false;
  let old: SplitImageDataset;
  try {
    old = await readDatasetFile(path);
  } catch {
    return false;
  }
  return (
    old.name === ds.name &&
    old.source === ds.source &&
    JSON.stringify(old.classNames) === JSON.stringify(ds.classNames) &&
    JSON.stringify(old.labelClasses) === JSON.stringify(ds.labelClasses) &&
    (old.tokenizer === undefined || JSON.stringify(old.tokenizer) === JSON.stringify(ds.tokenizer)) &&
    (['train', 'validation', 'test'] as const).every((s) => sameSet(old[s], ds[s]))
  );
}

/** The run files that hold a tokenizer: data/tokenizer.json for a text dataset, none otherwise. */
export function tokenizerFiles(config: ResolvedConfig): string[] {
  return isTokenizedDataset(config.data.dataset) ? [TOKENIZER_FILE] : [];
}

/** Reads and checks the run's tokenizer file; a damaged one is an error saying to rerun the data stage. */
export async function readTokenizerFile(path: string): Promise<TokenizerSpec> {
  try {
    return parseTokenizerSpec(JSON.parse(await readFile(path, 'utf8')), path);
  } catch (err) {
    throw new Error(`${path} is unreadable (${(err as Error).message}); rerun the data stage with --force`);
  }
}

/** The dataset with its training split cut to the first `n` samples (the split is already shuffled by seed). */
function keepTrainSamples(ds: SplitImageDataset, n: number | undefined): SplitImageDataset {
  if (n === undefined) return ds;
  if (!Number.isInteger(n) || n < 1) throw new Error(`data.trainSamples must be a positive integer, got ${n}`);
  if (n >= ds.train.count) return ds;
  return { ...ds, train: subset(ds.train, Array.from({ length: n }, (_, i) => i)) };
}

export const dataStage: Stage = {
  name: 'data',
  description: 'load the dataset and split it by seed',
  inputs: () => [],
  outputs: (c) => [DATASET_FILE, 'data/summary.json', ...tokenizerFiles(c)],
  configSlice: (c) => ({ data: c.data, seed: c.seed, labels: c.labels }),
  async run(ctx) {
    const { config, log } = ctx;
    const loaded = await loadDataset(config.data.dataset, {
      seed: config.seed,
      validationFraction: config.data.validationFraction,
      testFraction: config.data.testFraction,
    }, config.data.options ? { params: config.data.options } : {});
    const transformed = config.data.transform ? applyDataTransform(loaded, config.data.transform, config.seed) : loaded;
    const ds = keepTrainSamples(transformed, config.data.trainSamples);
    if (ds.classNames.length !== config.labels.length) {
      throw new Error(`recipe ${config.recipe} has ${config.labels.length} labels but dataset ${config.data.dataset} has ${ds.classNames.length} classes`);
    }
    if (await holdsDataset(ctx.path(DATASET_FILE), ds)) log(`data: ${DATASET_FILE} already holds exactly this split; kept as it is`);
    else await writeDatasetFile(ctx.path(DATASET_FILE), ds);
    if (tokenizerFiles(config).length) {
      if (!ds.tokenizer) throw new Error(`dataset ${config.data.dataset} is text but its loader gave no tokenizer: this is a bug in onnxline`);
      await writeJsonAtomic(ctx.path(TOKENIZER_FILE), ds.tokenizer);
    }
    const summary = {
      dataset: ds.name,
      source: ds.source,
      shape: ds.train.shape,
      classNames: ds.classNames,
      ...(ds.labelClasses ? { labelClasses: ds.labelClasses } : {}),
      counts: { train: ds.train.count, validation: ds.validation.count, test: ds.test.count },
      classCounts: { train: classCounts(ds.train), validation: classCounts(ds.validation), test: classCounts(ds.test) },
    };
    await writeJsonAtomic(ctx.path('data/summary.json'), summary);
    log(`data: ${ds.source}: ${ds.train.count} train / ${ds.validation.count} validation / ${ds.test.count} test`);
    return summary.counts;
  },
};
