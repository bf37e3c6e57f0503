/**
 * CIFAR-10 "binary version" reader. Each record is 3073 bytes: 1 label byte, then the 32×32 red
 * plane, green plane and blue plane (row-major, 1024 bytes each). We convert to HWC uint8
 * (pixel (y, x) = R, G, B consecutive), the layout every other onnxline image set uses.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageSet, SplitImageDataset, SplitSpec } from './types.ts';
import { exists, maybeGunzip, readRequired } from './files.ts';
import { concatImageSets } from './imageset.ts';
import { splitImageSet, validateSplitSpec, type EvalBalance } from './split.ts';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/** The standard CIFAR-10 class names, in label order. */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

const TRAIN_BATCHES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_BATCH = 'test_batch.bin';
const HINT =
  'Download the binary version (cifar-10-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html, ' +
  'extract it, and pass its cifar-10-batches-bin folder (or set ONNXLINE_CIFAR10_DIR).';

/**
 * Decodes one CIFAR-10 binary batch into a 32×32×3 HWC ImageSet. Throws naming `path` when the
 * length is not a positive multiple of 3073 or a label is ≥ `numClasses`.
 */
export function parseCifarBatch(bytes: Uint8Array, path: string, numClasses = 10): ImageSet {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new Error(
      `${path}: ${bytes.length} bytes is not a whole number of CIFAR-10 records (${RECORD} bytes each: 1 label + 3×32×32); ` +
        `the file is truncated or not a CIFAR-10 binary batch (CIFAR-100 and the Python pickles are not supported)`,
    );
  }
  const count = bytes.length / RECORD;
  const pixels = new Uint8Array(count * 3 * PLANE);
  const labels = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const base = r * RECORD;
    const label = bytes[base];
    if (label >= numClasses) throw new Error(`${path}: record ${r} has label ${label}, outside 0..${numClasses - 1}`);
    labels[r] = label;
    const out = r * 3 * PLANE;
    for (let ch = 0; ch < 3; ch++) {
      const src = base + 1 + ch * PLANE;
      for (let p = 0; p < PLANE; p++) pixels[out + p * 3 + ch] = bytes[src + p];
    }
  }
  return { pixels, labels, shape: [SIDE, SIDE, 3], count };
}

/** Class names from `batches.meta.txt` (one per line, blanks dropped) if present, else the standard ten. */
export async function readCifarClassNames(dir: string): Promise<string[]> {
  try {
    const names = (await readFile(join(dir, 'batches.meta.txt'), 'utf8')).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    if (names.length > 0) return names;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return [...CIFAR10_CLASS_NAMES];
}

async function resolveDir(dir: string): Promise<string> {
  const nested = join(dir, 'cifar-10-batches-bin');
  if (!(await exists(join(dir, TEST_BATCH))) && (await exists(join(nested, TEST_BATCH)))) return nested;
  return dir;
}

async function readBatch(path: string, numClasses: number): Promise<ImageSet> {
  return parseCifarBatch(await maybeGunzip(await readRequired(path, 'CIFAR-10 batch', HINT), path), path, numClasses);
}

/**
 * Loads CIFAR-10 from the binary batches in `dir` (or its `cifar-10-batches-bin` subfolder):
 * data_batch_1..5.bin (whichever exist, at least one) are split into train / validation by
 * `spec.seed`, test_batch.bin is `test` (spec.testFraction is not used). Throws listing the
 * missing files when there is no data batch or no test batch; `source` lists any skipped batch.
 */
export async function loadCifar10(dir: string, spec: SplitSpec, options: { balance?: EvalBalance } = {}): Promise<SplitImageDataset> {
  validateSplitSpec(spec);
  const root = await resolveDir(dir);
  const present: string[] = [];
  const missing: string[] = [];
  for (const f of [...TRAIN_BATCHES, TEST_BATCH]) ((await exists(join(root, f))) ? present : missing).push(f);
  const trainFiles = TRAIN_BATCHES.filter((f) => present.includes(f));
  if (trainFiles.length === 0 || missing.includes(TEST_BATCH)) {
    throw new Error(`CIFAR-10 files missing in ${root}: ${missing.join(', ')} (need test_batch.bin and at least one data_batch_N.bin). ${HINT}`);
  }
  const classNames = await readCifarClassNames(root);
  const [test, ...batches] = await Promise.all([TEST_BATCH, ...trainFiles].map((f) => readBatch(join(root, f), classNames.length)));
  const pool = concatImageSets(batches);
  const balance = options.balance ?? 'equal';
  const { train, validation } = splitImageSet(pool, classNames.length, { ...spec, testFraction: 0 }, balance);
  const skipped = missing.length ? `; ${missing.join(', ')} missing, not used` : '';
  return {
    name: 'cifar10',
    classNames,
    train,
    validation,
    test,
    source:
      `CIFAR-10 binary batches in ${root}: ${trainFiles.length} data batch(es), ${pool.count.toLocaleString('en-US')} train + ` +
      `${test.count.toLocaleString('en-US')} official test${skipped}; train split seed=${spec.seed} ` +
      `validation=${spec.validationFraction} (${balance} per class)`,
  };
}
