/** TrainConfig.maxMinutes: a study's training-time budget stops training after the epoch that crosses it. */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../../pipeline/tfjs/setup.ts';
import { trainModel } from '../../pipeline/train/loop.ts';
import { tinyModel as model, tinySet as set } from './tiny-set.ts';

await tf.setBackend('cpu');

test('maxMinutes stops after the epoch whose training time crosses the budget, and says why', async () => {
  const lines: string[] = [];
  const budgeted = await trainModel({
    model: model(),
    train: set(64),
    validation: set(16),
    numClasses: 2,
    config: { epochs: 5, batchSize: 16, optimizer: { name: 'sgd', learningRate: 0.1 }, keepBest: false, maxMinutes: 1e-9 },
    seed: 1,
    log: (l) => lines.push(l),
    progress: false,
  });
  assert.equal(budgeted.history.length, 1);
  assert.equal(budgeted.stoppedEarly, true);
  assert.ok(lines.some((l) => /time budget: .* ≥ maxMinutes/.test(l)), lines.join('\n'));
  const unbudgeted = await trainModel({
    model: model(),
    train: set(64),
    validation: set(16),
    numClasses: 2,
    config: { epochs: 3, batchSize: 16, optimizer: { name: 'sgd', learningRate: 0.1 }, keepBest: false, maxMinutes: 60 },
    seed: 1,
    log: () => undefined,
    progress: false,
  });
  assert.equal(unbudgeted.history.length, 3, 'a budget that is not reached changes nothing');
});
