import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { batches, classCounts, subset, toFloat32, toTensors } from '../../pipeline/data/batches.ts';
import type { ImageSet } from '../../pipeline/data/types.ts';
import { tinySet } from './helpers.ts';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const gray: ImageSet = { pixels: Uint8Array.from([0, 51, 255, 102, 0, 0, 0, 255]), labels: Int32Array.from([2, 0]), shape: [2, 2, 1], count: 2 };

test('toTensors: float32 NHWC scaled to 0..1 and one-hot labels', async () => {
  const { xs, ys } = toTensors(gray, { scale: '0..1', numClasses: 3 });
  try {
    assert.deepEqual(xs.shape, [2, 2, 2, 1]);
    assert.equal(xs.dtype, 'float32');
    const x = await xs.data();
    assert.ok(Math.abs(x[1] - 0.2) < 1e-6 && x[2] === 1 && x[0] === 0);
    assert.deepEqual(ys.shape, [2, 3]);
    assert.deepEqual(Array.from(await ys.data()), [0, 0, 1, 1, 0, 0]);
  } finally {
    xs.dispose();
    ys.dispose();
  }
});

test('toFloat32: invert, -1..1, gray→RGB and RGB→gray luminance', () => {
  const inv = toFloat32(gray, { invert: true });
  assert.equal(inv.xs[0], 1);
  assert.equal(inv.xs[2], 0);
  assert.deepEqual(inv.ysShape, [2, 3], 'default one-hot width = max label + 1');
  const pm = toFloat32(gray, { scale: '-1..1' });
  assert.deepEqual([pm.xs[0], pm.xs[2]], [-1, 1]);
  const rgb = toFloat32(gray, { channels: 3, scale: '0..255' });
  assert.deepEqual(rgb.xsShape, [2, 2, 2, 3]);
  assert.deepEqual(Array.from(rgb.xs.subarray(3, 6)), [51, 51, 51]);
  const color: ImageSet = { pixels: Uint8Array.from([255, 0, 0, 0, 0, 255]), labels: Int32Array.from([0]), shape: [1, 2, 3], count: 1 };
  const lum = toFloat32(color, { channels: 1 });
  assert.deepEqual(lum.xsShape, [1, 1, 2, 1]);
  assert.ok(Math.abs(lum.xs[0] - 0.299) < 1e-6 && Math.abs(lum.xs[1] - 0.114) < 1e-6);
  assert.throws(() => toFloat32(gray, { numClasses: 2 }), /Label 2 of sample 0 is outside 0\.\.1/);
  assert.throws(() => toFloat32(tinySet(1, [1, 1, 2], 1), { channels: 3 }), /Cannot convert 2-channel images to 3/);
  assert.throws(() => toFloat32(gray, { scale: '0..2' as never }), /Unknown pixel scale/);
});

test('batches: every sample once per pass, seeded order, fixed one-hot width, dropRemainder', async () => {
  const set = tinySet(10, [2, 2, 1], 5);
  const seen: number[] = [];
  const sizes: number[] = [];
  for (const b of batches(set, { batchSize: 4, shuffleSeed: 9, numClasses: 5 })) {
    sizes.push(b.xs.shape[0]);
    assert.equal(b.ys.shape[1], 5);
    const x = await b.xs.data();
    b.indices.forEach((i, k) => assert.equal(Math.round(x[k * 4] * 255), set.pixels[i * 4]));
    seen.push(...b.indices);
    b.xs.dispose();
    b.ys.dispose();
  }
  assert.deepEqual(sizes, [4, 4, 2]);
  assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
  assert.notDeepEqual(seen, Array.from({ length: 10 }, (_, i) => i), 'shuffled');
  const again = [...batches(set, { batchSize: 4, shuffleSeed: 9 })].flatMap((b) => (b.xs.dispose(), b.ys.dispose(), [...b.indices]));
  assert.deepEqual(again, seen);
  const dropped = [...batches(set, { batchSize: 4, dropRemainder: true })];
  assert.deepEqual(dropped.map((b) => b.indices.length), [4, 4]);
  dropped.forEach((b) => (b.xs.dispose(), b.ys.dispose()));
  assert.throws(() => [...batches(set, { batchSize: 0 })], /batchSize must be a positive integer/);
});

test('subset and classCounts', () => {
  const set = tinySet(6, [1, 2, 1], 3);
  const s = subset(set, [5, 0, 5]);
  assert.equal(s.count, 3);
  assert.deepEqual(Array.from(s.labels), [2, 0, 2]);
  assert.deepEqual(Array.from(s.pixels), [Array.from(set.pixels.subarray(10, 12)), Array.from(set.pixels.subarray(0, 2)), Array.from(set.pixels.subarray(10, 12))].flat());
  assert.throws(() => subset(set, [6]), /index 6 \(position 0\) is outside 0\.\.5/);
  assert.deepEqual(classCounts(set), [2, 2, 2]);
  assert.deepEqual(classCounts(s, 4), [1, 0, 2, 0]);
  assert.throws(() => classCounts(set, 2), /label 2 at index 2 is outside 0\.\.1/);
});
