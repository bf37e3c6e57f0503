/** TrainConfig.cosineDecay: the learning rate follows a half cosine over the epochs, per epoch, also across a resume. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '../../pipeline/tfjs/setup.ts';
import { trainModel } from '../../pipeline/train/loop.ts';
import { cosineLearningRate } from '../../pipeline/train/callbacks.ts';
import { tinyModel as model, tinySet as set } from './tiny-set.ts';
import type { TrainConfig } from '../../pipeline/recipe.ts';

await tf.setBackend('cpu');

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

test('the cosine schedule starts at the initial rate, ends at the minimum and passes the midpoint halfway', () => {
  // 5 epochs: t = 0, 1/4, 1/2, 3/4, 1 → 0.5·(1 + cos πt) = 1, 0.853553, 0.5, 0.146447, 0.
  const lrs = [0, 1, 2, 3, 4].map((e) => cosineLearningRate(e, 5, 1e-3, 0));
  [1e-3, 8.535533905932737e-4, 5e-4, 1.4644660940672627e-4, 0].forEach((want, i) => assert.ok(close(lrs[i]!, want), `epoch ${i}: ${lrs[i]} vs ${want}`));
  assert.ok(close(cosineLearningRate(2, 5, 1e-2, 1e-4), 1e-4 + (1e-2 - 1e-4) / 2));
  assert.equal(cosineLearningRate(0, 1, 3e-3, 1e-5), 3e-3, 'a single epoch runs at the initial rate');
  assert.throws(() => cosineLearningRate(0, 5, 1e-3, 2e-3), /minLearningRate must be between 0 and the optimizer's learning rate 0\.001, got 0\.002/);
});

test('training records the scheduled rate of each epoch, and a resumed run continues the schedule', async () => {
  const config: TrainConfig = { epochs: 4, batchSize: 16, optimizer: { name: 'sgd', learningRate: 0.1 }, keepBest: false, cosineDecay: { minLearningRate: 0.01 } };
  const want = [0, 1, 2, 3].map((e) => cosineLearningRate(e, 4, 0.1, 0.01));
  const whole = await trainModel({ model: model(), train: set(64), validation: set(16), numClasses: 2, config, seed: 1, log: () => undefined, progress: false });
  assert.equal(whole.history.length, 4);
  whole.history.forEach((r, i) => assert.ok(close(r.learningRate, want[i]!), `epoch ${i + 1}: ${r.learningRate} vs ${want[i]}`));

  const dir = await mkdtemp(join(tmpdir(), 'onnxline-lr-'));
  try {
    // Killed like a process: the epoch-2 log line comes before epoch 2's checkpoint, so only epoch 1's is kept.
    const killAtEpoch2 = (line: string) => {
      if (line.startsWith('epoch 2/')) throw new Error('killed');
    };
    await assert.rejects(trainModel({ model: model(), train: set(64), validation: set(16), numClasses: 2, config, seed: 1, checkpointDir: dir, log: killAtEpoch2, progress: false }), /killed/);
    const resumed = await trainModel({ model: model(), train: set(64), validation: set(16), numClasses: 2, config, seed: 1, checkpointDir: dir, log: () => undefined, progress: false });
    assert.equal(resumed.resumedFromEpoch, 1);
    assert.equal(resumed.history.length, 4, 'the resumed run trains epochs 2–4 after the restored epoch 1');
    resumed.history.forEach((r, i) => assert.ok(close(r.learningRate, want[i]!), `resumed epoch ${i + 1}: ${r.learningRate} vs ${want[i]}`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a recipe that sets both the cosine schedule and ReduceLROnPlateau, or a minimum above the rate, is refused before training', async () => {
  const config: TrainConfig = {
    epochs: 2,
    batchSize: 16,
    optimizer: { name: 'sgd', learningRate: 0.1 },
    keepBest: false,
    cosineDecay: { minLearningRate: 0 },
    reduceLrOnPlateau: { factor: 0.5, patience: 1 },
  };
  await assert.rejects(
    trainModel({ model: model(), train: set(32), validation: set(16), numClasses: 2, config, seed: 1, log: () => undefined, progress: false }),
    /cosineDecay and train\.reduceLrOnPlateau both set the learning rate/,
  );
  const tooHigh: TrainConfig = { epochs: 2, batchSize: 16, optimizer: { name: 'sgd', learningRate: 0.1 }, keepBest: false, cosineDecay: { minLearningRate: 0.2 } };
  await assert.rejects(
    trainModel({ model: model(), train: set(32), validation: set(16), numClasses: 2, config: tooHigh, seed: 1, log: () => assert.fail('no epoch may run'), progress: false }),
    /minLearningRate must be between 0 and the optimizer's learning rate 0\.1, got 0\.2/,
  );
});
