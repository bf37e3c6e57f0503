import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CIFAR10_CLASS_NAMES, loadCifar10, parseCifarBatch } from '../../pipeline/data/cifar10.ts';
import { classCounts } from '../../pipeline/data/imageset.ts';
import { cifarBatchBytes, cifarValue, withTempDir } from './helpers.ts';

const spec = { seed: 5, validationFraction: 0.25, testFraction: 0 };

test('CIFAR batch: planar R,G,B records become HWC pixels', () => {
  const set = parseCifarBatch(cifarBatchBytes([3, 7, 0]), 'b.bin');
  assert.deepEqual(set.shape, [32, 32, 3]);
  assert.equal(set.count, 3);
  assert.deepEqual(set.labels, Int32Array.from([3, 7, 0]));
  // record 1, pixel (y=2, x=5): plane position 69; HWC index ((1×32 + 2)×32 + 5)×3
  const base = ((1 * 32 + 2) * 32 + 5) * 3;
  assert.deepEqual(Array.from(set.pixels.subarray(base, base + 3)), [cifarValue(1, 0, 69), cifarValue(1, 1, 69), cifarValue(1, 2, 69)]);
  assert.deepEqual(Array.from(set.pixels.subarray(base, base + 3)), [76, 195, 58]);
  // the last pixel of the last record
  const last = set.pixels.length - 3;
  assert.deepEqual(Array.from(set.pixels.subarray(last)), [cifarValue(2, 0, 1023), cifarValue(2, 1, 1023), cifarValue(2, 2, 1023)]);
});

test('CIFAR batch: wrong length or label is explained', () => {
  assert.throws(() => parseCifarBatch(cifarBatchBytes([1, 2]).subarray(0, 5000), 'cut.bin'), /cut\.bin: 5000 bytes is not a whole number of CIFAR-10 records \(3073 bytes/);
  assert.throws(() => parseCifarBatch(new Uint8Array(0), 'empty.bin'), /not a whole number/);
  assert.throws(() => parseCifarBatch(cifarBatchBytes([1, 12]), 'lbl.bin'), /lbl\.bin: record 1 has label 12, outside 0\.\.9/);
});

test('CIFAR-10 loader: uses the batches present, test_batch as test, meta class names', async () => {
  await withTempDir(async (dir) => {
    const labels = Array.from({ length: 8 }, (_, i) => i % 4);
    await writeFile(join(dir, 'data_batch_1.bin'), cifarBatchBytes(labels));
    await writeFile(join(dir, 'data_batch_2.bin'), cifarBatchBytes(labels));
    await writeFile(join(dir, 'test_batch.bin'), cifarBatchBytes([0, 1, 2, 3]));
    await writeFile(join(dir, 'batches.meta.txt'), 'w\nx\ny\nz\n\n\n');
    const ds = await loadCifar10(dir, spec);
    assert.equal(ds.name, 'cifar10');
    assert.deepEqual(ds.classNames, ['w', 'x', 'y', 'z']);
    assert.deepEqual(classCounts(ds.validation, 4), [1, 1, 1, 1]);
    assert.equal(ds.train.count, 12);
    assert.equal(ds.test.count, 4);
    assert.deepEqual(ds.test.labels, Int32Array.from([0, 1, 2, 3]));
    assert.match(ds.source, /data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin missing/);
  });
});

test('CIFAR-10 loader: finds cifar-10-batches-bin, defaults class names, names missing files', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(loadCifar10(dir, spec), (err: Error) => {
      assert.match(err.message, /CIFAR-10 files missing in .*data_batch_1\.bin.*test_batch\.bin/);
      assert.match(err.message, /cifar-10-binary\.tar\.gz/);
      return true;
    });
    const nested = join(dir, 'cifar-10-batches-bin');
    await mkdir(nested);
    await writeFile(join(nested, 'data_batch_3.bin'), cifarBatchBytes([9, 9, 8, 8]));
    await assert.rejects(loadCifar10(dir, spec), /test_batch\.bin/);
    await writeFile(join(nested, 'test_batch.bin'), cifarBatchBytes([9]));
    const ds = await loadCifar10(dir, { seed: 1, validationFraction: 0.5, testFraction: 0 });
    assert.deepEqual(ds.classNames, [...CIFAR10_CLASS_NAMES]);
    assert.equal(ds.classNames[9], 'truck');
    assert.equal(ds.train.count + ds.validation.count, 4);
    assert.deepEqual(classCounts(ds.validation, 10).slice(8), [1, 1]);
  });
});
