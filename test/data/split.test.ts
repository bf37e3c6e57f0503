import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng, shuffleInPlace } from '../../pipeline/data/rng.ts';
import { stratifiedSplitIndices, validateSplitSpec } from '../../pipeline/data/split.ts';

const labels = Int32Array.from([...Array(50).fill(0), ...Array(20).fill(1), ...Array(30).fill(2)]);
const countBy = (ix: Int32Array) => [0, 1, 2].map((c) => ix.filter((i) => labels[i] === c).length);

test('seededRng: reproducible, seed-sensitive, in [0, 1)', () => {
  const a = seededRng(7), b = seededRng(7), c = seededRng(8);
  const sa = Array.from({ length: 100 }, a), sb = Array.from({ length: 100 }, b), sc = Array.from({ length: 100 }, c);
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  assert.ok(sa.every((v) => v >= 0 && v < 1));
  assert.notDeepEqual(Array.from({ length: 5 }, seededRng(2 ** 40)), Array.from({ length: 5 }, seededRng(0)));
  assert.throws(() => seededRng(1.5), /safe integer/);
  const arr = shuffleInPlace(Int32Array.from({ length: 20 }, (_, i) => i), seededRng(1));
  assert.deepEqual([...arr].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i));
});

test('stratified split: equal balance gives the same count per class in validation and test', () => {
  const s = stratifiedSplitIndices(labels, 3, { seed: 1, validationFraction: 0.1, testFraction: 0.2 });
  assert.deepEqual(countBy(s.validation), [2, 2, 2]);
  assert.deepEqual(countBy(s.test), [4, 4, 4]);
  assert.deepEqual(countBy(s.train), [44, 14, 24]);
  const all = [...s.train, ...s.validation, ...s.test].sort((x, y) => x - y);
  assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i), 'every index exactly once');
});

test('stratified split: proportional balance follows each class size; seed decides membership', () => {
  const s = stratifiedSplitIndices(labels, 3, { seed: 1, validationFraction: 0.1, testFraction: 0.2 }, 'proportional');
  assert.deepEqual(countBy(s.validation), [5, 2, 3]);
  assert.deepEqual(countBy(s.test), [10, 4, 6]);
  const again = stratifiedSplitIndices(labels, 3, { seed: 1, validationFraction: 0.1, testFraction: 0.2 }, 'proportional');
  assert.deepEqual(again, s);
  const other = stratifiedSplitIndices(labels, 3, { seed: 2, validationFraction: 0.1, testFraction: 0.2 }, 'proportional');
  assert.notDeepEqual(other.test, s.test);
});

test('split spec validation says what is wrong', () => {
  assert.throws(() => validateSplitSpec({ seed: 1, validationFraction: 0.6, testFraction: 0.5 }), /exceeds 1/);
  assert.throws(() => validateSplitSpec({ seed: 1, validationFraction: -0.1, testFraction: 0 }), /validationFraction must be a number in \[0, 1\)/);
  assert.throws(() => validateSplitSpec({ seed: Number.NaN, validationFraction: 0.1, testFraction: 0 }), /seed must be an integer/);
  assert.throws(() => stratifiedSplitIndices(Int32Array.from([0, 5]), 3, { seed: 1, validationFraction: 0, testFraction: 0 }), /label 5 at index 1/);
});
