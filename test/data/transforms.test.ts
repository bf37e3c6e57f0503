/** The data stage's transforms: S4's class imbalance (and noise rebalancing) and S3's digit pairs. */
import test from 'node:test';
import assert from 'node:assert/strict';
import type { ImageSet, SplitImageDataset } from '../../pipeline/data/types.ts';
import { classCounts, labelColumn } from '../../pipeline/data/imageset.ts';
import { imbalanceTrainingSet } from '../../pipeline/data/transforms/imbalance.ts';
import { comparePairs, comparePairsDataset } from '../../pipeline/data/transforms/compare-pairs.ts';
import { applyDataTransform } from '../../pipeline/data/transforms/index.ts';
import { decodeDatasetCache, encodeDatasetCache } from '../../pipeline/data/cache.ts';

/** `perClass` samples of each of 10 classes; sample i's pixels all equal (i % 200) + 20, so samples are recognisable. */
function digitsSet(perClass: number, side = 28, base = 20): ImageSet {
  const count = perClass * 10;
  const size = side * side;
  const pixels = new Uint8Array(count * size);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    pixels.fill((i % 200) + base, i * size, (i + 1) * size);
  }
  return { pixels, labels, shape: [side, side, 1], count };
}

test('imbalance keeps 10% of the minority classes and every majority sample, deterministically', () => {
  const train = digitsSet(100);
  const out = imbalanceTrainingSet(train, { classes: [0, 1, 2, 3, 4], keepFraction: 0.1 }, 7);
  assert.deepEqual(classCounts(out, 10), [10, 10, 10, 10, 10, 100, 100, 100, 100, 100]);
  const again = imbalanceTrainingSet(train, { classes: [0, 1, 2, 3, 4], keepFraction: 0.1 }, 7);
  assert.deepEqual(again.labels, out.labels);
  assert.deepEqual(again.pixels, out.pixels);
  const other = imbalanceTrainingSet(train, { classes: [0, 1, 2, 3, 4], keepFraction: 0.1 }, 8);
  assert.notDeepEqual(other.pixels, out.pixels, 'another seed keeps other samples');
});

test('noise rebalancing adds one noisy copy per variance of each kept minority sample, with that variance', () => {
  const train = digitsSet(100, 28, 100); // pixels ~0.4–0.78: noise rarely clips at small variances
  const variances = [0.01, 0.04];
  const out = imbalanceTrainingSet(train, { classes: [0, 1], keepFraction: 0.1, noiseVariances: variances }, 3);
  const counts = classCounts(out, 10);
  assert.deepEqual(counts.slice(0, 2), [30, 30], '10 kept + 10 per variance');
  assert.deepEqual(counts.slice(2), new Array(8).fill(100));
  // Noisy copies are not constant images any more; clean samples still are.
  const size = 28 * 28;
  let noisy = 0;
  let measured = 0;
  for (let i = 0; i < out.count; i++) {
    const px = Array.from(out.pixels.subarray(i * size, (i + 1) * size));
    const mean = px.reduce((a, b) => a + b, 0) / size;
    const variance = px.reduce((a, b) => a + (b / 255 - mean / 255) ** 2, 0) / size;
    if (variance > 0) {
      noisy++;
      assert.ok(out.labels[i]! < 2, 'only minority classes get noisy copies');
      measured = Math.max(measured, variance);
    }
  }
  assert.equal(noisy, 40, "2 classes × 10 kept × 2 variances");
  assert.ok(measured > 0.03 && measured < 0.05, `largest per-image variance ${measured} ≈ 0.04`);
});

test('imbalance rejects bad specs naming the field', () => {
  const train = digitsSet(10);
  assert.throws(() => imbalanceTrainingSet(train, { classes: [], keepFraction: 0.1 }, 1), /imbalance\.classes/);
  assert.throws(() => imbalanceTrainingSet(train, { classes: [1], keepFraction: 0 }, 1), /keepFraction/);
  assert.throws(() => imbalanceTrainingSet(train, { classes: [1], keepFraction: 0.5, noiseVariances: [-1] }, 1), /noiseVariances/);
});

test('compare pairs: 14×14×2 averages of two digits, labels [first ≤ second, first, second]', () => {
  // Digit images with a 2×2-periodic pattern whose average is known: 10, 20, 30, 40 → 25.
  const count = 20;
  const pixels = new Uint8Array(count * 784);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) pixels[i * 784 + y * 28 + x] = (labels[i]! + 1) * 10 + (y % 2) * 20 + (x % 2) * 5;
  }
  const pairs = comparePairs({ pixels, labels, shape: [28, 28, 1], count }, 50, 11);
  assert.deepEqual(pairs.shape, [14, 14, 2]);
  assert.equal(pairs.labelWidth, 3);
  let lessOrEqual = 0;
  for (let i = 0; i < pairs.count; i++) {
    const [cmp, a, b] = pairs.labels.subarray(i * 3, i * 3 + 3);
    assert.equal(cmp, a! <= b! ? 1 : 0, `pair ${i}: ${a} vs ${b}`);
    lessOrEqual += cmp!;
    // average of (d+1)*10 + {0,20} + {0,5} over a 2×2 block = (d+1)*10 + 12.5 → rounded
    assert.equal(pairs.pixels[i * 392 + 0], Math.round((a! + 1) * 10 + 12.5));
    assert.equal(pairs.pixels[i * 392 + 1], Math.round((b! + 1) * 10 + 12.5));
    assert.equal(pairs.pixels[i * 392 + 391], Math.round((b! + 1) * 10 + 12.5));
  }
  assert.ok(lessOrEqual > 10 && lessOrEqual < 45, `both classes occur (${lessOrEqual} of 50 are ≤)`);
});

test('compare pairs are drawn within each split, and survive the binary dataset file', () => {
  // Each split's digits have their own pixel range, so a pair reveals which split it came from.
  const ds: SplitImageDataset = {
    name: 'toy',
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    train: digitsSet(5, 28, 0),
    validation: digitsSet(5, 28, 100),
    test: digitsSet(5, 28, 200),
    source: 'toy digits',
  };
  ds.validation.pixels.fill(120);
  ds.test.pixels.fill(230);
  ds.train.pixels.fill(10);
  const pairs = applyDataTransform(ds, { kind: 'compare-pairs', pairsPerSplit: 40 }, 5);
  assert.deepEqual(pairs.labelClasses, [2, 10, 10]);
  for (const [split, value] of [['train', 10], ['validation', 120], ['test', 230]] as const) {
    assert.equal(pairs[split].count, 40);
    assert.ok(pairs[split].pixels.every((p) => p === value), `${split} pairs only use ${split} digits`);
  }
  const back = decodeDatasetCache(encodeDatasetCache('k', pairs), 'k');
  assert.equal(back.test.labelWidth, 3);
  assert.deepEqual(back.labelClasses, [2, 10, 10]);
  assert.deepEqual(labelColumn(back.test, 2), labelColumn(pairs.test, 2));
  assert.throws(() => comparePairsDataset(ds, { pairsPerSplit: 0 }, 1), /pairsPerSplit/);
  // A label outside its column's classes is caught when the file is written.
  const bad = { ...pairs, test: { ...pairs.test, labels: pairs.test.labels.map((v, i) => (i === 2 ? 10 : v)) } };
  assert.throws(() => encodeDatasetCache('k', bad), /column 2 is outside 0\.\.9/);
});
