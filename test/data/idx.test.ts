import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  FASHION_MNIST_DEFAULT_DIR,
  loadFashionMnist,
  loadIdxDataset,
  loadMnistIdx,
  parseIdxImages,
  parseIdxLabels,
  readIdxImages,
  readIdxLabels,
} from '../../pipeline/data/idx.ts';
import { classCounts } from '../../pipeline/data/imageset.ts';
import { idxImagesBytes, idxLabelsBytes, withTempDir } from './helpers.ts';

const spec = { seed: 3, validationFraction: 0.2, testFraction: 0.1 };
const px = (i: number, y: number, x: number) => (i * 31 + y * 4 + x) % 256;

test('IDX: reads images and labels, raw and gzipped, with identical results', async () => {
  await withTempDir(async (dir) => {
    const images = idxImagesBytes(5, 3, 4, px);
    const labels = idxLabelsBytes([0, 1, 2, 1, 0]);
    await writeFile(join(dir, 'i.idx'), images);
    await writeFile(join(dir, 'i.idx.gz'), gzipSync(images));
    await writeFile(join(dir, 'l.idx'), labels);
    await writeFile(join(dir, 'l.gz.weird-name'), gzipSync(labels)); // gzip is detected by magic, not name
    for (const name of ['i.idx', 'i.idx.gz']) {
      const img = await readIdxImages(join(dir, name));
      assert.deepEqual([img.count, img.rows, img.cols], [5, 3, 4]);
      assert.equal(img.pixels[(2 * 3 + 1) * 4 + 3], px(2, 1, 3));
      assert.equal(img.pixels.length, 60);
    }
    assert.deepEqual(await readIdxLabels(join(dir, 'l.idx')), Int32Array.from([0, 1, 2, 1, 0]));
    assert.deepEqual(await readIdxLabels(join(dir, 'l.gz.weird-name')), Int32Array.from([0, 1, 2, 1, 0]));
  });
});

test('IDX: bad magic, truncation, trailing bytes and corrupt gzip are explained', async () => {
  const images = idxImagesBytes(5, 3, 4, px);
  const labels = idxLabelsBytes([0, 1, 2, 1, 0]);
  assert.throws(() => parseIdxImages(labels, 'l'), /bad IDX magic 2049.*images and labels paths swapped/);
  const garbage = images.slice();
  garbage[3] = 0x99;
  assert.throws(() => parseIdxImages(garbage, 'g'), /g: bad IDX magic .* expected 2051/);
  assert.throws(() => parseIdxLabels(images, 'i'), /expected 2049 .*swapped/);
  assert.throws(() => parseIdxImages(images.subarray(0, 40), 'short'), /short is truncated: header declares 5 images of 3×4 \(76 bytes in all\) but the data has 40 bytes/);
  assert.throws(() => parseIdxImages(images.subarray(0, 10), 'tiny'), /shorter than the 16-byte IDX image header/);
  assert.throws(() => parseIdxLabels(new Uint8Array([...labels, 9, 9]), 'long'), /2 unexpected trailing bytes/);
  const zeroRows = images.slice();
  new DataView(zeroRows.buffer).setUint32(8, 0);
  assert.throws(() => parseIdxImages(zeroRows, 'z'), /dimension of 0 is invalid/);
  assert.throws(() => parseIdxImages(gzipSync(images), 'gz'), /still gzip-compressed/);
  await withTempDir(async (dir) => {
    const gz = gzipSync(images);
    await writeFile(join(dir, 'cut.gz'), gz.subarray(0, gz.length - 12));
    await assert.rejects(readIdxImages(join(dir, 'cut.gz')), /cut\.gz: gzip data is corrupt or truncated/);
  });
});

test('IDX dataset: official test kept, train split by seed into balanced train/validation', async () => {
  await withTempDir(async (dir) => {
    const trainLabels = Array.from({ length: 30 }, (_, i) => i % 3);
    await writeFile(join(dir, 'tr-img'), gzipSync(idxImagesBytes(30, 2, 2, px)));
    await writeFile(join(dir, 'tr-lbl'), idxLabelsBytes(trainLabels));
    await writeFile(join(dir, 'te-img'), idxImagesBytes(6, 2, 2, (i) => 200 + i));
    await writeFile(join(dir, 'te-lbl'), idxLabelsBytes([0, 1, 2, 0, 1, 2]));
    const files = { dir, trainImages: 'tr-img', trainLabels: 'tr-lbl', testImages: 'te-img', testLabels: 'te-lbl', classNames: ['a', 'b', 'c'], name: 'tiny' };
    const ds = await loadIdxDataset(files, spec);
    assert.equal(ds.name, 'tiny');
    assert.deepEqual(classCounts(ds.validation, 3), [2, 2, 2]);
    assert.deepEqual(classCounts(ds.train, 3), [8, 8, 8]);
    assert.equal(ds.test.count, 6);
    assert.deepEqual(Array.from(ds.test.pixels.subarray(0, 8)), [200, 200, 200, 200, 201, 201, 201, 201]);
    assert.deepEqual(ds.train.shape, [2, 2, 1]);
    const again = await loadIdxDataset(files, spec);
    assert.deepEqual(again.validation.pixels, ds.validation.pixels);
    await assert.rejects(loadIdxDataset({ ...files, classNames: ['a', 'b'] }, spec), /lbl: label 2 at index 2 is outside 0\.\.1 for the 2 class names/);
    await writeFile(join(dir, 'te-lbl'), idxLabelsBytes([0, 1, 2]));
    await assert.rejects(loadIdxDataset(files, spec), /holds 6 images but .*te-lbl holds 3 labels/);
  });
});

test('IDX: missing Fashion-MNIST names the path and the apt package; MNIST accepts gunzipped files', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(loadFashionMnist(spec, dir), (err: Error) => {
      assert.match(err.message, new RegExp(`not found: ${dir}/train-(images-idx3|labels-idx1)-ubyte\\.gz`));
      assert.match(err.message, /apt-get install dataset-fashion-mnist/);
      assert.match(err.message, /ONNXLINE_FASHION_MNIST_DIR/);
      return true;
    });
    await assert.rejects(loadMnistIdx(spec, dir), /Put the four classic MNIST files/);
    await assert.rejects(loadMnistIdx(spec, ''), /set ONNXLINE_MNIST_DIR/);
    const labels = Array.from({ length: 20 }, (_, i) => i % 10);
    await writeFile(join(dir, 'train-images-idx3-ubyte'), idxImagesBytes(20, 28, 28, px));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idxLabelsBytes(labels));
    await writeFile(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idxImagesBytes(10, 28, 28, px)));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxLabelsBytes(labels.slice(0, 10))));
    const ds = await loadMnistIdx({ seed: 1, validationFraction: 0.5, testFraction: 0 }, dir);
    assert.equal(ds.name, 'mnist-idx');
    assert.deepEqual([ds.train.count, ds.validation.count, ds.test.count], [10, 10, 10]);
  });
});

test('Fashion-MNIST (Debian dataset-fashion-mnist): 60,000 + 10,000, labels 0..9', { skip: !existsSync(FASHION_MNIST_DEFAULT_DIR) && 'not installed' }, async () => {
  const ds = await loadFashionMnist({ seed: 1, validationFraction: 0.1, testFraction: 0 }, FASHION_MNIST_DEFAULT_DIR);
  assert.equal(ds.train.count + ds.validation.count, 60_000);
  assert.equal(ds.test.count, 10_000);
  assert.deepEqual(classCounts(ds.validation, 10), Array(10).fill(600));
  assert.deepEqual(classCounts(ds.test, 10), Array(10).fill(1000));
  assert.deepEqual(ds.test.shape, [28, 28, 1]);
  assert.equal(ds.classNames[9], 'Ankle boot');
  for (const set of [ds.train, ds.validation, ds.test]) assert.ok(set.labels.every((l) => l >= 0 && l <= 9));
  let sum = 0;
  for (const p of ds.test.pixels) sum += p;
  const mean = sum / ds.test.pixels.length;
  assert.ok(mean > 68 && mean < 78, `Fashion-MNIST test mean ${mean} outside 68..78 (known ≈ 73)`);
});
