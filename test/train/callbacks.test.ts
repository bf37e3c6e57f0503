import test from 'node:test';
import assert from 'node:assert/strict';
import { initialPlateauState, onEpochEnd } from '../../pipeline/train/callbacks.ts';

const cfg = { reduceLrOnPlateau: { factor: 0.5, patience: 2, minLr: 0.1 }, earlyStopping: { patience: 4 } };

test('ReduceLROnPlateau halves the rate after `patience` epochs without improvement, down to minLr', () => {
  const s = initialPlateauState();
  const losses = [1.0, 0.9, 0.95, 0.93, 0.92, 0.91, 0.99];
  let lr = 0.4;
  const lrs: number[] = [];
  losses.forEach((l, e) => {
    lr = onEpochEnd(s, e, l, lr, cfg).learningRate;
    lrs.push(lr);
  });
  assert.deepEqual(lrs, [0.4, 0.4, 0.4, 0.2, 0.2, 0.1, 0.1]);
  assert.equal(s.bestEpoch, 1);
  assert.equal(s.best, 0.9);
});

test('early stopping fires after `patience` epochs without improvement, and improvement resets it', () => {
  const s = initialPlateauState();
  const stops = [1, 0.8, 0.85, 0.7, 0.9, 0.9, 0.9, 0.9].map((l, e) => onEpochEnd(s, e, l, 0.01, cfg).stop);
  assert.deepEqual(stops, [false, false, false, false, false, false, false, true]);
});
