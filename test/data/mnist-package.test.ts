import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnistPackage, mnistPackageInfo, parseMnistDigitFile, readMnistPackage } from '../../pipeline/data/mnist-package.ts';
import { classCounts } from '../../pipeline/data/imageset.ts';
import { sampleHashes } from './helpers.ts';

const spec = { seed: 42, validationFraction: 0.1, testFraction: 0.1 };
const a = loadMnistPackage(spec);

test('mnist: 10,000 digits split with equal per-class counts in validation and test', () => {
  assert.equal(a.train.count + a.validation.count + a.test.count, 10_000);
  assert.deepEqual(a.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  for (const set of [a.validation, a.test]) {
    const counts = classCounts(set, 10);
    assert.ok(counts[0] > 0);
    assert.ok(counts.every((c) => c === counts[0]), `unequal class counts ${counts}`);
  }
  // smallest class (5) has 863 samples → round(86.3) = 86 per class
  assert.equal(a.validation.count, 860);
  assert.equal(a.test.count, 860);
  assert.deepEqual(a.train.shape, [28, 28, 1]);
  assert.match(a.source, /mnist@1\.1\.0/);
  assert.match(a.source, /seed=42/);
});

test('mnist: same seed gives the same split, another seed a different one', () => {
  const b = loadMnistPackage(spec);
  assert.deepEqual(b.validation.labels, a.validation.labels);
  assert.deepEqual(b.test.pixels, a.test.pixels);
  assert.deepEqual(b.train.pixels, a.train.pixels);
  const c = loadMnistPackage({ ...spec, seed: 43 });
  assert.notDeepEqual(c.validation.pixels, a.validation.pixels);
  const va = new Set(sampleHashes(a.validation));
  const overlap = sampleHashes(c.validation).filter((h) => va.has(h)).length;
  assert.ok(overlap < 200, `seeds 42 and 43 share ${overlap} of 860 validation samples`);
});

test('mnist: no sample appears in two splits', () => {
  const all = [a.train, a.validation, a.test].flatMap(sampleHashes);
  assert.equal(all.length, 10_000);
  assert.equal(new Set(all).size, 10_000);
});

test('mnist: uint8 pixels 0..255, white digits on black, mean ≈ 33/255 as real MNIST', () => {
  const { pool } = readMnistPackage();
  assert.ok(pool.pixels instanceof Uint8Array);
  let min = 255, max = 0, sum = 0, border = 0, borderN = 0;
  for (let i = 0; i < pool.pixels.length; i++) {
    const p = pool.pixels[i];
    if (p < min) min = p;
    if (p > max) max = p;
    sum += p;
    const y = Math.floor((i % 784) / 28), x = i % 28;
    if (y === 0 || x === 0 || y === 27 || x === 27) { border += p; borderN++; }
  }
  assert.equal(min, 0);
  assert.equal(max, 255);
  const mean = sum / pool.pixels.length;
  assert.ok(mean > 30 && mean < 37, `mean pixel ${mean} outside the MNIST band 30..37`);
  assert.ok(border / borderN < 1, 'border should be black (MNIST polarity)');
  assert.deepEqual(classCounts(pool, 10), [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
});

test('mnist: the fast digit parser gives exactly the bytes JSON.parse does', () => {
  const path = join(mnistPackageInfo().dir, 'src', 'digits', '5.json');
  const buf = readFileSync(path);
  const fast = parseMnistDigitFile(buf, path);
  const slow = parseMnistDigitFile(buf, path, { fast: false });
  assert.equal(fast.length, 863 * 784);
  assert.deepEqual(fast, slow);
  const floats = (JSON.parse(buf.toString('utf8')) as { data: number[] }).data;
  for (let i = 0; i < floats.length; i += 97) assert.ok(Math.abs(fast[i] / 255 - floats[i]) <= 0.0005 + 1e-12);
});

test('mnist: parser maps v→round(v×255), falls back on exotic syntax, rejects non-8-bit values', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const vals = ['0', '1', '0.992', '0.2', ...Array(780).fill('0')];
  assert.deepEqual(Array.from(parseMnistDigitFile(enc(`{"data": [${vals.join(', ')}]}`), 'x.json').subarray(0, 4)), [0, 255, 253, 51]);
  const exotic = ['1e0', ...Array(783).fill('0')];
  assert.equal(parseMnistDigitFile(enc(`{"data":[${exotic.join(',')}]}`), 'x.json')[0], 255);
  assert.throws(() => parseMnistDigitFile(enc(`{"data":[0.5${',0'.repeat(783)}]}`), 'x.json'), /not an 8-bit pixel\/255/);
  assert.throws(() => parseMnistDigitFile(enc('{"data":[0,0,0]}'), 'x.json'), /multiple of 784/);
});
