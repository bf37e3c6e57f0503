/**
 * Models with several outputs: one-hot targets per head, loss-weight schedules, validation
 * metrics per head, and training that honours the weights (a head weighted 0 teaches nothing).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '../../pipeline/tfjs/setup.ts';
import type { OutputHead } from '../../pipeline/recipe.ts';
import type { ImageSet } from '../../pipeline/data/types.ts';
import { checkHeads, evaluateHeads, headTargets, lossWeightAt } from '../../pipeline/train/heads.ts';
import { defaultToFloat, trainModel } from '../../pipeline/train/loop.ts';
import { seededRng } from '../../pipeline/data/rng.ts';

await tf.setBackend('cpu');

/** n 4×4×1 images with 3 label columns: [brightness class 0..1, column class 0..3, row class 0..3] — all learnable from pixels. */
function toySet(n: number, seed: number): ImageSet {
  const rand = seededRng(seed);
  const pixels = new Uint8Array(n * 16);
  const labels = new Int32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const bright = rand() < 0.5 ? 1 : 0;
    const col = Math.floor(rand() * 4);
    const row = Math.floor(rand() * 4);
    for (let p = 0; p < 16; p++) pixels[i * 16 + p] = bright ? 120 : 20;
    pixels[i * 16 + row * 4 + col] = 255;
    labels.set([bright, col, row], i * 3);
  }
  return { pixels, labels, shape: [4, 4, 1], count: n, labelWidth: 3 };
}

/** Shared dense trunk; head A (2 classes) and head B (4 classes) each behind their own dense layer. */
function twoHeadModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 1], name: 'image' });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const trunk = tfl.layers.dense({ units: 16, activation: 'relu', name: 'trunk' }).apply(flat) as tfl.SymbolicTensor;
  const a = tfl.layers.dense({ units: 2, activation: 'softmax', name: 'a' }).apply(trunk) as tfl.SymbolicTensor;
  const b = tfl.layers.dense({ units: 4, activation: 'softmax', name: 'b' }).apply(trunk) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: [a, b] });
}

const HEADS: OutputHead[] = [
  { name: 'a', column: 0, classes: 2 },
  { name: 'b', column: 1, classes: 4 },
];

test('headTargets one-hot encodes each head\'s label columns; sequence heads get [n, steps, classes]', () => {
  const set = toySet(5, 1);
  const order = [4, 2];
  const [a, b] = headTargets(HEADS, set, order, 0, 2);
  assert.deepEqual(a!.shape, [2, 2]);
  assert.deepEqual(b!.shape, [2, 4]);
  for (const [k, sample] of order.entries()) {
    assert.equal(a!.data[k * 2 + set.labels[sample * 3]!], 1);
    assert.equal(b!.data[k * 4 + set.labels[sample * 3 + 1]!], 1);
  }
  assert.equal(a!.data.reduce((x, y) => x + y, 0), 2, 'one 1 per row');
  const [seq] = headTargets([{ name: 's', column: 1, steps: 2, classes: 4 }], set, null, 0, 3);
  assert.deepEqual(seq!.shape, [3, 2, 4]);
  for (let i = 0; i < 3; i++) for (let t = 0; t < 2; t++) assert.equal(seq!.data[(i * 2 + t) * 4 + set.labels[i * 3 + 1 + t]!], 1);
});

test('loss weights: constant, or initial × decay^epoch', () => {
  assert.equal(lossWeightAt({ name: 'x', column: 0, classes: 2 }, 7), 1);
  assert.equal(lossWeightAt({ name: 'x', column: 0, classes: 2, lossWeight: 0 }, 3), 0);
  assert.ok(Math.abs(lossWeightAt({ name: 'x', column: 0, classes: 2, lossWeight: { initial: 5, decayPerEpoch: 0.9 } }, 2) - 5 * 0.81) < 1e-12);
});

test('checkHeads names the mismatch: output count, output shape, label columns', () => {
  const model = twoHeadModel();
  const set = toySet(4, 2);
  assert.throws(() => checkHeads([HEADS[0]!], model, set), /declares 1 output\(s\) but the model has 2/);
  assert.throws(() => checkHeads([HEADS[0]!, { name: 'b', column: 1, classes: 3 }], model, set), /output 1 \("b"\) has shape \[4\] but its head declares \[3\]/);
  assert.throws(() => checkHeads([HEADS[0]!, { name: 'b', column: 3, classes: 4 }], model, set), /reads label columns 3\.\.3 but the data has 3/);
  assert.throws(() => checkHeads([HEADS[1]!, HEADS[0]!], model, set), /output 0 of the model is layer "a" but the recipe's output 0 is "b"/);
  assert.throws(() => headTargets([{ name: 'a', column: 1, classes: 2 }], set, null, 0, 4), /output "a": label \d of sample \d \(column 1\) is outside its 2 classes/);
  model.dispose();
});

test('evaluateHeads matches cross-entropy and accuracy computed by hand from the predictions', () => {
  const model = twoHeadModel();
  const set = toySet(37, 3);
  const metrics = evaluateHeads(model, set, HEADS, defaultToFloat, 8);
  const x = new Float32Array(set.pixels.length);
  defaultToFloat(set.pixels, x);
  const [pa, pb] = (model.predict(tf.tensor4d(x, [set.count, 4, 4, 1])) as tf.Tensor[]).map((t) => t.arraySync() as number[][]);
  for (const [k, probs] of [pa!, pb!].entries()) {
    let ce = 0;
    let hits = 0;
    probs.forEach((row, i) => {
      const label = set.labels[i * 3 + HEADS[k]!.column]!;
      ce -= Math.log(Math.max(row[label]!, 1e-7));
      if (row.indexOf(Math.max(...row)) === label) hits++;
    });
    assert.ok(Math.abs(metrics[k]!.loss - ce / set.count) < 1e-5, `head ${k} loss ${metrics[k]!.loss} vs ${ce / set.count}`);
    assert.equal(metrics[k]!.acc, hits / set.count);
  }
  model.dispose();
});

test('training honours loss weights: a head weighted 0 leaves its own layer untouched while the other learns', async () => {
  const model = twoHeadModel();
  const before = model.getLayer('b').getWeights().map((w) => w.dataSync().slice());
  const trunkBefore = model.getLayer('trunk').getWeights()[0]!.dataSync().slice();
  const train = toySet(256, 4);
  const validation = toySet(64, 5);
  const result = await trainModel({
    model,
    train,
    validation,
    numClasses: 2,
    heads: [HEADS[0]!, { ...HEADS[1]!, lossWeight: 0 }],
    config: { epochs: 8, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.02 }, keepBest: false },
    seed: 1,
    log: () => undefined,
    progress: false,
  });
  const after = model.getLayer('b').getWeights().map((w) => w.dataSync());
  after.forEach((w, i) => assert.deepEqual(w, before[i], 'head b has weight 0: its dense layer gets no gradient'));
  assert.notDeepEqual(model.getLayer('trunk').getWeights()[0]!.dataSync(), trunkBefore, 'the trunk learns from head a');
  const last = result.history.at(-1)!;
  assert.ok(last.valAcc > 0.9, `head a learns brightness: val acc ${last.valAcc}`);
  assert.equal(last.valHeads?.length, 2, 'per-head validation metrics are recorded');
  // Head b weighs 0, so the weighted total the optimizer saw equals head a's own cross-entropy, which is what `loss` records.
  assert.ok(last.totalLoss !== undefined && Math.abs(last.loss - last.totalLoss) < 1e-5, `loss ${last.loss} vs total ${last.totalLoss}`);
  model.dispose();
});

test('a sequence head trains and reports whole-sequence accuracy', async () => {
  const input = tfl.input({ shape: [4, 4, 1] });
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  const h = tfl.layers.dense({ units: 32, activation: 'relu' }).apply(flat) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: 8 }).apply(h) as tfl.SymbolicTensor;
  const seq = tfl.layers.reshape({ targetShape: [2, 4] }).apply(logits) as tfl.SymbolicTensor;
  const out = tfl.layers.activation({ activation: 'softmax', name: 'seq' }).apply(seq) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  const heads: OutputHead[] = [{ name: 'seq', column: 1, steps: 2, classes: 4 }];
  const result = await trainModel({
    model,
    train: toySet(512, 6),
    validation: toySet(128, 7),
    numClasses: 4,
    heads,
    config: { epochs: 15, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.02 }, keepBest: true },
    seed: 2,
    log: () => undefined,
    progress: false,
  });
  const best = result.history[result.bestEpoch]!;
  assert.ok(best.valAcc > 0.8, `token accuracy ${best.valAcc}`);
  const [m] = evaluateHeads(model, toySet(128, 7), heads, defaultToFloat);
  assert.ok(m!.sequenceAcc! <= m!.acc + 1e-9 && m!.sequenceAcc! > 0.5, `sequence accuracy ${m!.sequenceAcc} ≤ token accuracy ${m!.acc}`);
  model.dispose();
});
