import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { datasets, getDataset, isDatasetName, loadDataset } from '../../pipeline/data/index.ts';
import { withTempDir } from './helpers.ts';

const spec = { seed: 11, validationFraction: 0.1, testFraction: 0.1 };

test('registry: the names, unknown names listed in the error', () => {
  for (const name of ['cifar10', 'fashion-mnist', 'fonts', 'letters', 'mnist', 'mnist-idx']) assert.ok(Object.keys(datasets).includes(name), name);
  assert.ok(isDatasetName('fashion-mnist'));
  assert.ok(!isDatasetName('toString'));
  assert.throws(() => getDataset('imagenet'), /Unknown dataset "imagenet"; known datasets: mnist, fashion-mnist, mnist-idx, cifar10, fonts, letters/);
  assert.deepEqual(datasets.cifar10.shape, [32, 32, 3]);
});

test('registry: cache keys include loader, seed, fractions and source', async () => {
  const k = await datasets.mnist.cacheKey(spec);
  assert.match(k, /^mnist\?/);
  assert.match(k, /seed=11/);
  assert.match(k, /val=0\.1/);
  assert.match(k, /pkg=1\.1\.0/);
  assert.notEqual(await datasets.mnist.cacheKey({ ...spec, seed: 12 }), k);
  assert.notEqual(await datasets.mnist.cacheKey(spec, { balance: 'proportional' }), k);
  const f = await datasets['fashion-mnist'].cacheKey(spec, { dir: '/nonexistent' });
  assert.match(f, /dir=%2Fnonexistent/);
  assert.match(f, /files=[0-9a-f]{12}/);
});

test('registry: loadDataset goes through the cache; folder-less datasets say which variable to set', async () => {
  await withTempDir(async (cacheDir) => {
    const first = await loadDataset('mnist', spec, { cacheDir });
    assert.equal((await readdir(cacheDir)).length, 1);
    const t = performance.now();
    const second = await loadDataset('mnist', spec, { cacheDir });
    const ms = performance.now() - t;
    assert.deepEqual(Array.from(second.validation.labels), Array.from(first.validation.labels));
    assert.deepEqual(Array.from(second.train.pixels.subarray(0, 5000)), Array.from(first.train.pixels.subarray(0, 5000)));
    assert.ok(ms < 1000, `cached load took ${ms} ms`);
    const uncached = await loadDataset('mnist', spec, { cache: false, cacheDir });
    assert.equal(uncached.test.count, first.test.count);
  });
  const saved = process.env.ONNXLINE_CIFAR10_DIR;
  delete process.env.ONNXLINE_CIFAR10_DIR;
  try {
    await assert.rejects(loadDataset('cifar10', spec, { cache: false }), /No CIFAR-10 folder given: pass options\.dir or set ONNXLINE_CIFAR10_DIR/);
  } finally {
    if (saved !== undefined) process.env.ONNXLINE_CIFAR10_DIR = saved;
  }
});
