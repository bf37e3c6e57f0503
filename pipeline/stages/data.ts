/**
 * The `data` stage: loads the recipe's dataset (through the binary cache), splits it by seed, and
 * writes the split into the run as one compact binary file plus a readable summary.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic, writeJsonAtomic } from '../runner/atomic.ts';
import { decodeDatasetCache, encodeDatasetCache, loadDataset } from '../data/index.ts';
import type { SplitImageDataset } from '../data/types.ts';
import { classCounts, subset } from '../data/imageset.ts';
import type { Stage } from '../runner/stage.ts';
import { applyDataTransform } from '../data/transforms/index.ts';

export const DATASET_FILE = 'data/dataset.bin';
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
  outputs: () => [DATASET_FILE, 'data/summary.json'],
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
    await writeDatasetFile(ctx.path(DATASET_FILE), ds);
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
