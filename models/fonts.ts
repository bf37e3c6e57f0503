/**
 * `fonts` and `fonts-crnn`: the S1 study (SEEDS.md §S1) — one character image, 52 classes A–Z a–z,
 * glyphs of many fonts (here the pinned @fontsource set, rendered 100×100 with affine jitter;
 * validation and test fonts are never seen in training). Both models stay under S1's budget of
 * 1,200,000 parameters, which build() enforces, and train under its 15-minute limit.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe, StudyReference, TrainConfig } from '../pipeline/recipe.ts';
import type { ImageInputSpec } from '../pipeline/preprocess/spec.ts';
import { LETTER_CLASS_NAMES } from '../pipeline/data/fonts/render.ts';
import { FONTS_CNN_PARAMS, fontsCnn, trainableParams } from './fonts-cnn.ts';

/** S1's parameter budget. */
export const FONTS_PARAM_BUDGET = 1_200_000;

/** Throws unless `model` has at most S1's budget of trainable parameters (and exactly `expected`, when given). */
export function assertParams(model: tfl.LayersModel, expected?: number): tfl.LayersModel {
  const n = trainableParams(model);
  if (expected !== undefined && n !== expected) {
    throw new Error(`${model.name} has ${n.toLocaleString('en-US')} trainable parameters, S1 reports ${expected.toLocaleString('en-US')}: the architecture has drifted from SEEDS.md §S1`);
  }
  if (n > FONTS_PARAM_BUDGET) {
    throw new Error(`${model.name} has ${n.toLocaleString('en-US')} trainable parameters, over S1's budget of ${FONTS_PARAM_BUDGET.toLocaleString('en-US')}`);
  }
  return model;
}

/**
 * The S1 CNN of models/fonts-cnn.ts with onnxline's tensor names: an input layer `image`, then
 * every layer of fontsCnn() but its last, then the same softmax Dense 52 named `probabilities`.
 */
function buildCnn(): tfl.LayersModel {
  const cnn = fontsCnn(52);
  const last = cnn.layers[cnn.layers.length - 1]!;
  const lastConfig = last.getConfig() as { units?: number; activation?: string };
  if (last.getClassName() !== 'Dense' || lastConfig.units !== 52 || lastConfig.activation !== 'softmax') {
    throw new Error(`fontsCnn() no longer ends in Dense 52 softmax (${last.getClassName()} ${JSON.stringify(lastConfig)}); update models/fonts.ts`);
  }
  const model = tfl.sequential({ name: 'fonts' });
  model.add(tfl.layers.inputLayer({ inputShape: [100, 100, 1], name: 'image' }));
  for (const layer of cnn.layers.slice(0, -1)) model.add(layer);
  model.add(tfl.layers.dense({ units: 52, activation: 'softmax', name: 'probabilities' }));
  return assertParams(model, FONTS_CNN_PARAMS);
}

/**
 * S1's initial CRNN: two conv blocks (kernel 10, stride 2, BN, LeakyReLU, MaxPool 2), the 6×6×64
 * map read column by column as a 6-step sequence (6×64 = 384 features a step) by a GRU of 128
 * units with dropout 0.2, and a dense softmax head on its last step. 411,988 parameters.
 */
function buildCrnn(): tfl.LayersModel {
  const model = tfl.sequential({ name: 'fonts_crnn' });
  model.add(tfl.layers.inputLayer({ inputShape: [100, 100, 1], name: 'image' }));
  for (const filters of [32, 64]) {
    model.add(tfl.layers.conv2d({ filters, kernelSize: 10, strides: 2, padding: 'same' }));
    model.add(tfl.layers.batchNormalization());
    model.add(tfl.layers.leakyReLU({ alpha: 0.01 })); // PyTorch's default slope (the study's framework)
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  }
  // [6 rows, 6 columns, 64] → [6 columns (time), 6 rows, 64] → [6 steps, 384]
  model.add(tfl.layers.permute({ dims: [2, 1, 3] }));
  model.add(tfl.layers.reshape({ targetShape: [6, 6 * 64] }));
  // sigmoid gates and a non-orthogonal recurrent init, as PyTorch's GRU (tfjs's orthogonal init also
  // needs the chained ops only the @tensorflow/tfjs umbrella registers, so build() would fail without it)
  model.add(tfl.layers.gru({ units: 128, dropout: 0.2, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }));
  model.add(tfl.layers.dense({ units: 52, activation: 'softmax', name: 'probabilities' }));
  return assertParams(model);
}

/** Trainable parameters of the CRNN (asserted by the tests). */
export const FONTS_CRNN_PARAMS = 411_988;

const INPUT: ImageInputSpec = { size: [100, 100, 1], scale: '0..1', polarity: 'white-on-black', fit: 'stretch' };
const DATA_NOTE =
  'the study font set is not available: glyphs rendered from the 169 pinned @fontsource fonts (pipeline/data/fonts/font-set.ts; serif, sans, monospace, display, handwriting) ' +
  'with random affine jitter, split by font 70/15/15 (validation and test fonts unseen in training); 800 train / 300 validation / 300 test per class as in S1';

/** S1's training: Adam 2e-4, batch 50, 15 epochs, keep the best validation loss, 15-minute limit. */
const TRAIN: TrainConfig = {
  epochs: 15,
  batchSize: 50,
  optimizer: { name: 'adam', learningRate: 2e-4 },
  keepBest: true,
  maxMinutes: 15,
};

const DATA = { dataset: 'fonts', validationFraction: 0.15, testFraction: 0.15, options: { trainPerClass: 800, validationPerClass: 300, testPerClass: 300 } };

const reference = (experiment: string, value: number): StudyReference => ({ study: 'S1', experiment, metric: 'validation accuracy', value, dataNote: DATA_NOTE, timeBudgetMinutes: 15 });

export const fonts: Recipe = {
  name: 'fonts',
  summary: 'S1 CNN (702,948 params) for 52 letters A–Z a–z in 169 @fontsource fonts, 100×100, fonts split train/validation/test',
  reference: reference('final CNN (SiLU everywhere, sigmoid second FC, lr 2e-4)', 0.9903),
  data: DATA,
  input: INPUT,
  labels: [...LETTER_CLASS_NAMES],
  build: buildCnn,
  train: TRAIN,
};

export const fontsCrnn: Recipe = {
  name: 'fonts-crnn',
  summary: 'S1 CRNN (2 conv blocks k10 s2 + GRU 128, 411,988 params) for 52 letters in 169 @fontsource fonts, 100×100',
  reference: reference('initial CRNN (conv + GRU)', 0.9817),
  data: DATA,
  input: INPUT,
  labels: [...LETTER_CLASS_NAMES],
  build: buildCrnn,
  train: TRAIN,
};
