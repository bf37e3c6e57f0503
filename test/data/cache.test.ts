import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cachedDataset,
  datasetCacheDir,
  datasetCacheKey,
  datasetCachePath,
  decodeDatasetCache,
  encodeDatasetCache,
} from '../../pipeline/data/cache.ts';
import type { SplitImageDataset } from '../../pipeline/data/types.ts';
import { tinySet, withTempDir } from './helpers.ts';

function sample(): SplitImageDataset {
  return {
    name: 'tiny',
    classNames: ['a', 'b', 'c'],
    source: 'unit test — ünïcode ok',
    train: tinySet(7, [4, 3, 2], 3),
    validation: tinySet(3, [4, 3, 2], 3),
    test: tinySet(0, [4, 3, 2], 3),
  };
}

function assertSameDataset(actual: SplitImageDataset, expected: SplitImageDataset): void {
  assert.equal(actual.name, expected.name);
  assert.deepEqual(actual.classNames, expected.classNames);
  assert.equal(actual.source, expected.source);
  for (const s of ['train', 'validation', 'test'] as const) {
    assert.deepEqual(actual[s].shape, expected[s].shape);
    assert.equal(actual[s].count, expected[s].count);
    assert.deepEqual(Array.from(actual[s].pixels), Array.from(expected[s].pixels));
    assert.ok(actual[s].labels instanceof Int32Array);
    assert.deepEqual(Array.from(actual[s].labels), Array.from(expected[s].labels));
  }
}

test('cache format: encode/decode round-trips exactly; raw blocks, no JSON arrays', () => {
  const ds = sample();
  ds.train.labels[0] = 2; // a label differing from the pattern
  const bytes = encodeDatasetCache('k', ds);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), 'ONXLDSET');
  assertSameDataset(decodeDatasetCache(bytes, 'k'), ds);
  const headerLength = new DataView(bytes.buffer).getUint32(8, true);
  assert.ok(headerLength < 1000, `header is ${headerLength} bytes`);
  assert.ok(bytes.length < headerLength + 12 + 7 * 24 + 3 * 24 + 10 * 4 + 64, `file is ${bytes.length} bytes`);
  assert.throws(() => decodeDatasetCache(bytes, 'other'), /holds key "k"/);
});

test('cachedDataset: builds once, then serves the cache without calling build', async () => {
  await withTempDir(async (dir) => {
    let builds = 0;
    const build = async () => (builds++, sample());
    const logs: string[] = [];
    const first = await cachedDataset('tiny?seed=1', build, { dir, log: (l) => logs.push(l) });
    assert.equal(builds, 1);
    const files = await readdir(dir);
    assert.equal(files.length, 1);
    assert.match(files[0], /^tiny_seed=1-[0-9a-f]{12}\.bin$/);
    const second = await cachedDataset('tiny?seed=1', build, { dir, log: (l) => logs.push(l) });
    assert.equal(builds, 1, 'second load must not call build');
    assertSameDataset(second, first);
    await cachedDataset('tiny?seed=2', build, { dir, log: (l) => logs.push(l) });
    assert.equal(builds, 2, 'a different key builds');
    assert.deepEqual(logs, []);
  });
});

test('cachedDataset: corrupt, truncated or garbage files are rebuilt with a note, not a crash', async () => {
  await withTempDir(async (dir) => {
    let builds = 0;
    const build = () => (builds++, sample());
    const logs: string[] = [];
    const opts = { dir, log: (l: string) => logs.push(l) };
    await cachedDataset('k', build, opts);
    const path = datasetCachePath('k', dir);
    const good = await readFile(path);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 5] ^= 0xff;
    await writeFile(path, flipped);
    assertSameDataset(await cachedDataset('k', build, opts), sample());
    assert.equal(builds, 2);
    assert.match(logs.at(-1)!, /dataset cache .* is corrupt \(data checksum mismatch.*rebuilding it/);

    await writeFile(path, good.subarray(0, good.length - 10));
    await cachedDataset('k', build, opts);
    assert.equal(builds, 3);
    assert.match(logs.at(-1)!, /corrupt \(file is \d+ bytes, header says \d+/);

    await writeFile(path, 'not a cache at all');
    await cachedDataset('k', build, opts);
    assert.equal(builds, 4);
    assert.match(logs.at(-1)!, /bad magic/);

    await writeFile(path, good.subarray(0, 30));
    await cachedDataset('k', build, opts);
    assert.equal(builds, 5);

    await cachedDataset('k', build, opts);
    assert.equal(builds, 5, 'the rebuilt file is valid again');
    assert.equal(logs.length, 4);
  });
});

test('cachedDataset: an unwritable cache folder is logged and the dataset still returned', async () => {
  await withTempDir(async (dir) => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x');
    const logs: string[] = [];
    const ds = await cachedDataset('k', sample, { dir: blocker, log: (l) => logs.push(l) });
    assert.equal(ds.train.count, 7);
    assert.match(logs.join('\n'), /could not write dataset cache .*continuing without it/);
    const bad = { ...sample(), validation: { ...tinySet(3, [4, 3, 2], 3), count: 4 } };
    await assert.rejects(cachedDataset('k2', () => bad, { dir }), /validation split: pixels has 72 values but count×H×W×C = 4×4×3×2 = 96/);
  });
});

test('cache keys carry loader, parameters and seed; the folder follows ONNXLINE_CACHE_DIR', () => {
  const k1 = datasetCacheKey('mnist', { seed: 1, val: 0.1, skip: undefined });
  assert.equal(k1, 'mnist?seed=1&val=0.1');
  assert.equal(datasetCacheKey('mnist', { val: 0.1, seed: 1 }), k1, 'parameter order does not matter');
  assert.notEqual(datasetCacheKey('mnist', { seed: 2, val: 0.1 }), k1);
  assert.notEqual(datasetCachePath(k1, '/c'), datasetCachePath(datasetCacheKey('mnist', { seed: 2, val: 0.1 }), '/c'));
  assert.notEqual(datasetCachePath('a/b', '/c'), datasetCachePath('a_b', '/c'), 'distinct keys never share a file');
  const saved = process.env.ONNXLINE_CACHE_DIR;
  try {
    process.env.ONNXLINE_CACHE_DIR = '/some/where';
    assert.equal(datasetCacheDir(), '/some/where/datasets');
    delete process.env.ONNXLINE_CACHE_DIR;
    assert.match(datasetCacheDir(), /\/\.cache\/datasets$/);
  } finally {
    if (saved === undefined) delete process.env.ONNXLINE_CACHE_DIR;
    else process.env.ONNXLINE_CACHE_DIR = saved;
  }
});
