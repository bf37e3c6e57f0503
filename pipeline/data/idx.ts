/**
 * IDX reader (the MNIST / Fashion-MNIST file format): big-endian header — magic 2051 + count,
 * rows, cols for images; magic 2049 + count for labels — followed by raw ubyte data. Files may
 * be gzipped (detected by magic bytes). Every header field and the file length are checked.
 */
import { basename, join } from 'node:path';
import type { ImageSet, SplitImageDataset, SplitSpec } from './types.ts';
import { exists, maybeGunzip, readRequired, isGzip } from './files.ts';
import { splitImageSet, validateSplitSpec, type EvalBalance } from './split.ts';
import { DIGIT_CLASS_NAMES } from './mnist-package.ts';

/** IDX magic of a ubyte 3-D tensor (images). */
export const IDX_IMAGES_MAGIC = 2051;
/** IDX magic of a ubyte 1-D tensor (labels). */
export const IDX_LABELS_MAGIC = 2049;

/** Images decoded from an IDX file: count × rows × cols uint8. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

function checkMagic(bytes: Uint8Array, path: string, expected: number, headerBytes: number): DataView {
  const kind = expected === IDX_IMAGES_MAGIC ? 'image' : 'label';
  if (isGzip(bytes)) throw new Error(`${path} is still gzip-compressed; read it with readIdxImages/readIdxLabels, which gunzip it`);
  const tooShort = () =>
    new Error(`${path} is truncated: ${bytes.length} bytes is shorter than the ${headerBytes}-byte IDX ${kind} header; re-download it`);
  if (bytes.length < 4) throw tooShort();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expected) {
    const other = magic === IDX_IMAGES_MAGIC ? ' (that is an IDX image file — are the images and labels paths swapped?)'
      : magic === IDX_LABELS_MAGIC ? ' (that is an IDX label file — are the images and labels paths swapped?)'
      : '';
    throw new Error(
      `${path}: bad IDX magic ${magic} (0x${magic.toString(16).padStart(8, '0')}), expected ${expected} ` +
        `(0x${expected.toString(16).padStart(8, '0')}) for an IDX ${kind} file${other}; the file is not IDX ${kind} data or is corrupt`,
    );
  }
  if (bytes.length < headerBytes) throw tooShort();
  return view;
}

function checkLength(bytes: Uint8Array, path: string, header: number, dataBytes: number, declared: string): void {
  const expected = header + dataBytes;
  if (bytes.length < expected) {
    throw new Error(`${path} is truncated: header declares ${declared} (${expected} bytes in all) but the data has ${bytes.length} bytes; re-download it`);
  }
  if (bytes.length > expected) {
    throw new Error(`${path} has ${bytes.length - expected} unexpected trailing bytes: header declares ${declared} (${expected} bytes) but the data has ${bytes.length}; the file is corrupt`);
  }
}

/** Decodes an uncompressed IDX image file; throws naming `path` on a bad magic, zero dimension or wrong length. */
export function parseIdxImages(bytes: Uint8Array, path: string): IdxImages {
  const view = checkMagic(bytes, path, IDX_IMAGES_MAGIC, 16);
  const count = view.getUint32(4, false);
  const rows = view.getUint32(8, false);
  const cols = view.getUint32(12, false);
  if (rows === 0 || cols === 0) throw new Error(`${path}: IDX header declares ${rows}×${cols} images; a dimension of 0 is invalid`);
  checkLength(bytes, path, 16, count * rows * cols, `${count} images of ${rows}×${cols}`);
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/** Decodes an uncompressed IDX label file into Int32 labels; throws naming `path` on a bad magic or wrong length. */
export function parseIdxLabels(bytes: Uint8Array, path: string): Int32Array {
  const view = checkMagic(bytes, path, IDX_LABELS_MAGIC, 8);
  const count = view.getUint32(4, false);
  checkLength(bytes, path, 8, count, `${count} labels`);
  return Int32Array.from(bytes.subarray(8));
}

const DEFAULT_HINT = 'Check the path, or pass the folder that holds the IDX files.';

/** Reads (gunzipping if needed) and decodes an IDX image file. */
export async function readIdxImages(path: string, hint = DEFAULT_HINT): Promise<IdxImages> {
  return parseIdxImages(await maybeGunzip(await readRequired(path, 'IDX image file', hint), path), path);
}

/** Reads (gunzipping if needed) and decodes an IDX label file. */
export async function readIdxLabels(path: string, hint = DEFAULT_HINT): Promise<Int32Array> {
  return parseIdxLabels(await maybeGunzip(await readRequired(path, 'IDX label file', hint), path), path);
}

/** `dir/name`, or its gzipped / gunzipped twin (`name` ± `.gz`) if only that exists. */
async function resolveIdxPath(dir: string, name: string): Promise<string> {
  const primary = join(dir, name);
  if (await exists(primary)) return primary;
  const twin = name.endsWith('.gz') ? join(dir, name.slice(0, -3)) : `${primary}.gz`;
  return (await exists(twin)) ? twin : primary;
}

/** Where the four IDX files of a dataset are, and how to describe / find them. */
export interface IdxDatasetFiles {
  dir: string;
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
  classNames: string[];
  /** Dataset name (default: the folder name). */
  name?: string;
  /** Human label for `source` (default: "IDX"). */
  label?: string;
  /** Told to the user when a file is missing. */
  missingHint?: string;
  balance?: EvalBalance;
}

/**
 * Awaits every promise (reads run in parallel) and, when any failed, throws the error of the first
 * failed one in argument order, so which missing file the message names does not depend on timing.
 */
async function allInOrder<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function readPair(files: IdxDatasetFiles, images: string, labels: string): Promise<ImageSet> {
  const hint = files.missingHint ?? DEFAULT_HINT;
  const [imgPath, lblPath] = await allInOrder<[string, string]>([resolveIdxPath(files.dir, images), resolveIdxPath(files.dir, labels)]);
  const [img, lbl] = await allInOrder<[Awaited<ReturnType<typeof readIdxImages>>, Int32Array]>([readIdxImages(imgPath, hint), readIdxLabels(lblPath, hint)]);
  if (img.count !== lbl.length) {
    throw new Error(`${imgPath} holds ${img.count} images but ${lblPath} holds ${lbl.length} labels; the pair does not match`);
  }
  const n = files.classNames.length;
  for (let i = 0; i < lbl.length; i++) {
    if (lbl[i] >= n) throw new Error(`${lblPath}: label ${lbl[i]} at index ${i} is outside 0..${n - 1} for the ${n} class names given`);
  }
  return { pixels: img.pixels, labels: lbl, shape: [img.rows, img.cols, 1], count: img.count };
}

/**
 * Loads an IDX dataset: the official test files become `test` (spec.testFraction is not used),
 * the train files are split into train / validation by `spec.seed` (stratified per class).
 * Missing files throw naming the path plus `missingHint`; malformed ones say what is wrong.
 */
export async function loadIdxDataset(files: IdxDatasetFiles, spec: SplitSpec): Promise<SplitImageDataset> {
  validateSplitSpec(spec);
  const [pool, test] = await allInOrder<[ImageSet, ImageSet]>([
    readPair(files, files.trainImages, files.trainLabels),
    readPair(files, files.testImages, files.testLabels),
  ]);
  if (pool.shape.join('x') !== test.shape.join('x')) {
    throw new Error(`${files.dir}: train images are ${pool.shape.slice(0, 2).join('×')} but test images are ${test.shape.slice(0, 2).join('×')}`);
  }
  const balance = files.balance ?? 'equal';
  const { train, validation } = splitImageSet(pool, files.classNames.length, { ...spec, testFraction: 0 }, balance);
  return {
    name: files.name ?? basename(files.dir),
    classNames: [...files.classNames],
    train,
    validation,
    test,
    source:
      `${files.label ?? 'IDX'} files in ${files.dir}: ${pool.count.toLocaleString('en-US')} train + ` +
      `${test.count.toLocaleString('en-US')} official test; train split seed=${spec.seed} ` +
      `validation=${spec.validationFraction} (${balance} per class)`,
  };
}

/** Fashion-MNIST's ten class names, in label order. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

const CLASSIC_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
};
const CLASSIC_LIST = Object.values(CLASSIC_FILES).join(', ');

/**
 * Loads Fashion-MNIST (60,000 train → train/validation by seed, 10,000 official test; 28×28×1
 * uint8, light garment on black). A missing file throws naming the path and the fix:
 * `apt-get install dataset-fashion-mnist`, or ONNXLINE_FASHION_MNIST_DIR / `dir`.
 */
export function loadFashionMnist(
  spec: SplitSpec,
  dir: string = process.env.ONNXLINE_FASHION_MNIST_DIR ?? FASHION_MNIST_DEFAULT_DIR,
): Promise<SplitImageDataset> {
  return loadIdxDataset(
    {
      dir,
      ...CLASSIC_FILES,
      classNames: [...FASHION_MNIST_CLASS_NAMES],
      name: 'fashion-mnist',
      label: 'Fashion-MNIST IDX',
      missingHint:
        `Install it with "sudo apt-get install dataset-fashion-mnist" (Debian/Ubuntu, installs to ${FASHION_MNIST_DEFAULT_DIR}), ` +
        `or set ONNXLINE_FASHION_MNIST_DIR (or pass dir) to a folder holding ${CLASSIC_LIST}.`,
    },
    spec,
  );
}

/**
 * Loads the full MNIST (60,000 train → train/validation by seed, 10,000 official test) from the
 * classic IDX files (gzipped or not) in `dir` (default: ONNXLINE_MNIST_DIR). Throws saying
 * what to download / set when `dir` is unset or a file is missing.
 */
export function loadMnistIdx(spec: SplitSpec, dir: string | undefined = process.env.ONNXLINE_MNIST_DIR): Promise<SplitImageDataset> {
  if (!dir) {
    return Promise.reject(new Error(`No MNIST IDX folder given: pass dir or set ONNXLINE_MNIST_DIR to a folder holding ${CLASSIC_LIST}`));
  }
  return loadIdxDataset(
    {
      dir,
      ...CLASSIC_FILES,
      classNames: [...DIGIT_CLASS_NAMES],
      name: 'mnist-idx',
      label: 'MNIST IDX',
      missingHint: `Put the four classic MNIST files (${CLASSIC_LIST}; gzipped or not) in that folder, or set ONNXLINE_MNIST_DIR / pass dir to where they are.`,
    },
    spec,
  );
}
