/**
 * The phrases report notes build from a run's records: curves, speeds, peaks and per-class
 * accuracies from hand-made histories whose answers are worked out by hand.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { classAccuracies, epochsTrained, keptSequenceAccuracy, lowestValLossEpoch, minutesPerEpoch, peakTrainingAccuracy, trainingRate, valAccuracyCurve } from '../../pipeline/report/describe.ts';
import type { EpochRecord } from '../../pipeline/train/history.ts';
import type { RunFacts } from '../../pipeline/report/run-facts.ts';

const epoch = (n: number, valAcc: number, valLoss: number, acc: number, samplesPerSec: number, seconds: number): EpochRecord => ({
  epoch: n,
  loss: 1,
  acc,
  valLoss,
  valAcc,
  learningRate: 1e-3,
  seconds,
  samplesPerSec,
});

const rising = [epoch(1, 0.889, 0.5, 0.8, 100, 60), epoch(2, 0.929, 0.4, 0.9, 120, 120), epoch(3, 0.935, 0.35, 0.95, 110, 180), epoch(4, 0.941, 0.3, 0.97, 90, 240)];

function facts(history: EpochRecord[] | null, extra: Partial<RunFacts> = {}): RunFacts {
  return { history, epochsRun: history?.length ?? null, bestEpoch: history?.length ?? null, perClassAccuracy: null, ...extra } as RunFacts;
}

test('the validation curve lists each epoch and says where it peaked', () => {
  assert.equal(valAccuracyCurve(rising), '88.9 → 92.9 → 93.5 → 94.1% (highest at the last epoch)');
  const peaked = [...rising, epoch(5, 0.938, 0.31, 0.98, 100, 60)];
  assert.equal(valAccuracyCurve(peaked), '88.9 → 92.9 → 93.5 → 94.1 → 93.8% (highest at epoch 4 of 5)');
  assert.equal(valAccuracyCurve(peaked, 3), '… → 93.5 → 94.1 → 93.8% (highest at epoch 4 of 5)');
  assert.equal(valAccuracyCurve(null), 'not recorded');
  // JSON writes NaN as null: an unrecorded epoch is "?", never 0.0.
  const gap = [rising[0]!, { ...rising[1]!, valAcc: null as unknown as number }, rising[2]!];
  assert.equal(valAccuracyCurve(gap), '88.9 → ? → 93.5% (highest at the last epoch)');
  assert.equal(valAccuracyCurve([{ ...rising[0]!, valAcc: Number.NaN }]), 'not recorded');
});

test('unrecorded speeds, times and accuracies are left out, not counted as zero', () => {
  const holes = [{ ...rising[0]!, seconds: null as unknown as number, acc: Number.NaN }, rising[1]!];
  assert.equal(minutesPerEpoch(holes), '2.0', 'only epoch 2 (120 s) has a time');
  assert.equal(peakTrainingAccuracy(holes), '90.0%');
  assert.equal(peakTrainingAccuracy([holes[0]!]), 'not recorded');
  assert.equal(minutesPerEpoch([holes[0]!]), '?');
});

test('speed, time per epoch, peaks and the lowest validation loss come from the history', () => {
  assert.equal(trainingRate(rising), '~105', 'median of 90, 100, 110, 120');
  assert.equal(trainingRate([epoch(1, 0.5, 1, 0.5, 2500, 1)]), '~2,500');
  assert.equal(trainingRate(null), '?');
  assert.equal(minutesPerEpoch(rising), '2.5', '(60 + 120 + 180 + 240) s / 4 epochs = 150 s');
  assert.equal(peakTrainingAccuracy(rising), '97.0%');
  assert.equal(lowestValLossEpoch(rising), 4);
  assert.equal(lowestValLossEpoch([epoch(1, 0.5, 0.9, 0.5, 1, 1), epoch(2, 0.6, 0.4, 0.6, 1, 1), epoch(3, 0.6, 0.7, 0.7, 1, 1)]), 2);
  assert.equal(epochsTrained(facts(rising)), '4 epochs');
  assert.equal(epochsTrained(facts([rising[0]!])), '1 epoch');
  assert.equal(epochsTrained(facts(null, { epochsRun: null })), 'an unrecorded number of epochs');
});

test('sequence accuracy is the kept epoch\'s, and per-class accuracies are sorted with ties by name', () => {
  const seq = rising.map((r, i) => ({ ...r, valHeads: [{ name: 'letters', loss: 1, acc: r.valAcc, sequenceAcc: i / 100 }] }));
  assert.equal(keptSequenceAccuracy(facts(seq, { bestEpoch: 2 })), '1.0%');
  assert.equal(keptSequenceAccuracy(facts(rising)), null, 'no sequence output, no figure');
  const run = facts(rising, { perClassAccuracy: { utils: 0.35, admin: 0.58, devel: 0.55, rust: 0.96, doc: 0.85, libdevel: 0.85 } });
  assert.equal(classAccuracies(run, 3), 'utils 35%, devel 55%, admin 58%');
  assert.equal(classAccuracies(run, 3, true), 'rust 96%, doc 85%, libdevel 85%');
  assert.equal(classAccuracies(facts(rising), 3), 'not recorded');
});
