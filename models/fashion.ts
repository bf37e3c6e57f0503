/**
 * S2 part A on Fashion-MNIST (the Debian package dataset-fashion-mnist; S2 used CIFAR-10, which
 * cannot be had offline): the C1–S1–C2–S2 CNN, its feature-map grid and optimizer comparison
 * as sweeps, a best configuration aimed at Fashion-MNIST's own "2 Conv+pooling+BN" benchmark row
 * (93.4%), and a GRU variant (that table's GRU rows: 88.8–89.7%).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { buildRowReader } from './digits-rnn.ts';
import { convBlock } from './digits.ts';
import type { OptimizerConfig, Recipe, StudyReference, TrainConfig } from '../pipeline/recipe.ts';

const LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DATA: Recipe['data'] = { dataset: 'fashion-mnist', validationFraction: 0.1, testFraction: 0 };
/** S2 trained on one CIFAR-10 batch: 10,000 images. */
const SWEEP_DATA: Recipe['data'] = { ...DATA, trainSamples: 10000 };
// Fashion-MNIST is dark-background product photos scaled to 28×28: white-on-black like MNIST.
const INPUT: Recipe['input'] = { size: [28, 28, 1], scale: '0..1', polarity: 'white-on-black', fit: 'stretch' };
const DATA_NOTE_SWEEP =
  'Fashion-MNIST (Debian dataset-fashion-mnist) instead of CIFAR-10: 10,000 training images as S2 (one CIFAR batch), its 10,000-image test set; fewer epochs than S2\'s 500';
const DATA_NOTE_FULL = 'Fashion-MNIST (Debian dataset-fashion-mnist): 54,000 train / 6,000 validation (split by seed) / its own 10,000 test images';

/** S2's CNN: conv C1 (5×5) → max pool S1 → conv C2 (5×5) → max pool S2 → dense 128 → softmax; optional dropout before the dense layers. */
export function buildS2Cnn(c1: number, c2: number, dropout = 0, name = 'fashion_s2_cnn'): tfl.LayersModel {
  const model = tfl.sequential({ name });
  model.add(tfl.layers.inputLayer({ inputShape: [28, 28, 1], name: 'image' }));
  model.add(tfl.layers.conv2d({ filters: c1, kernelSize: 5, padding: 'same', activation: 'relu', name: 'C1' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'S1' }));
  model.add(tfl.layers.conv2d({ filters: c2, kernelSize: 5, padding: 'same', activation: 'relu', name: 'C2' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'S2' }));
  model.add(tfl.layers.flatten());
  if (dropout) model.add(tfl.layers.dropout({ rate: dropout }));
  model.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
  if (dropout) model.add(tfl.layers.dropout({ rate: dropout }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax', name: 'probabilities' }));
  return model;
}

const SWEEP_TRAIN: TrainConfig = { epochs: 10, batchSize: 128, optimizer: { name: 'sgd', learningRate: 0.05 }, keepBest: true };

/** S2's feature-map grid: (C1, C2) and the accuracy S2 reported on CIFAR-10. */
export const S2_FEATURE_MAP_GRID: [number, number, number][] = [
  [10, 10, 0.386], [32, 32, 0.377], [32, 64, 0.401], [64, 64, 0.366], [64, 128, 0.43], [128, 128, 0.405], [128, 256, 0.449], [256, 256, 0.447], [256, 512, 0.491],
];

/**
 * The feature maps the optimizer comparison uses. S2 compared optimizers on its best grid point,
 * (256, 512); that CNN (647M multiply-adds per image) trains at ~39 images/s on the 2 CPU cores
 * onnxline is developed on, about an hour per 10-epoch run with its evaluations, so the five runs
 * of the comparison would take five hours there. It runs on (32, 64) instead (11M multiply-adds,
 * minutes per run); the optimizers, learning rates and dropout are S2's.
 */
export const S2_OPTIMIZER_MAPS: [number, number] = [32, 64];

/** S2's optimizer comparison (on its (256, 512) grid point; here on {@link S2_OPTIMIZER_MAPS}), with the accuracies it reported. */
export const S2_OPTIMIZERS: { key: string; label: string; optimizer: OptimizerConfig; dropout?: number; value: number }[] = [
  { key: 'gd', label: 'gradient descent', optimizer: { name: 'sgd', learningRate: 0.05 }, value: 0.491 },
  { key: 'momentum', label: 'momentum 0.1', optimizer: { name: 'momentum', learningRate: 0.05, momentum: 0.1 }, value: 0.475 },
  { key: 'rmsprop', label: 'RMSProp', optimizer: { name: 'rmsprop', learningRate: 1e-3 }, value: 0.53 },
  { key: 'adam', label: 'Adam', optimizer: { name: 'adam', learningRate: 1e-3 }, value: 0.559 },
  { key: 'dropout', label: 'gradient descent + dropout', optimizer: { name: 'sgd', learningRate: 0.05 }, dropout: 0.5, value: 0.45 },
];

function sweepRecipe(name: string, c1: number, c2: number, optimizer: OptimizerConfig, dropout: number, reference: Omit<StudyReference, 'study' | 'metric' | 'dataNote'>): Recipe {
  return {
    name,
    summary: `S2 sweep: C1–S1–C2–S2 CNN with (C1, C2) = (${c1}, ${c2}), ${optimizer.name}${dropout ? ` + dropout ${dropout}` : ''}`,
    reference: { study: 'S2', metric: 'test accuracy', dataNote: DATA_NOTE_SWEEP, ...reference },
    data: SWEEP_DATA,
    input: INPUT,
    labels: LABELS,
    build: () => buildS2Cnn(c1, c2, dropout, name.replace(/-/g, '_')),
    train: { ...SWEEP_TRAIN, optimizer },
  };
}

/** One recipe per grid point (gradient descent, as S2's grid search). */
export const fashionFeatureMapSweep: Recipe[] = S2_FEATURE_MAP_GRID.map(([c1, c2, value]) =>
  sweepRecipe(`fashion-maps-${c1}-${c2}`, c1, c2, SWEEP_TRAIN.optimizer, 0, { experiment: `feature maps (C1, C2) = (${c1}, ${c2}), gradient descent (CIFAR-10)`, value }),
);

/** One recipe per optimizer, on {@link S2_OPTIMIZER_MAPS}. */
export const fashionOptimizerSweep: Recipe[] = S2_OPTIMIZERS.map((o) =>
  sweepRecipe(`fashion-opt-${o.key}`, ...S2_OPTIMIZER_MAPS, o.optimizer, o.dropout ?? 0, { experiment: `(256, 512) with ${o.label} (CIFAR-10); ours on (${S2_OPTIMIZER_MAPS.join(', ')})`, value: o.value }),
);

/** The sweeps `onnxline sweep <name>` runs: each a list of ordinary recipes sharing data and budget. */
export const sweeps: ReadonlyMap<string, { description: string; recipes: Recipe[] }> = new Map([
  ['fashion-maps', { description: "S2's feature-map grid (C1, C2) on 10,000 Fashion-MNIST images", recipes: fashionFeatureMapSweep }],
  ['fashion-optimizers', { description: `S2's optimizer comparison (S2: on the (256, 512) CNN; here on (${S2_OPTIMIZER_MAPS.join(', ')})), 10,000 Fashion-MNIST images`, recipes: fashionOptimizerSweep }],
]);

/** The best configuration: two conv blocks with batch norm, pooling and dropout (Fashion-MNIST's "2 Conv+pooling+BN" row). */
function buildBest(): tfl.LayersModel {
  const model = tfl.sequential({ name: 'fashion' });
  model.add(tfl.layers.inputLayer({ inputShape: [28, 28, 1], name: 'image' }));
  for (const filters of [32, 64]) {
    convBlock(model, filters);
    convBlock(model, filters);
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.dropout({ rate: 0.25 }));
  }
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 256, activation: 'relu' }));
  model.add(tfl.layers.dropout({ rate: 0.4 }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax', name: 'probabilities' }));
  return model;
}

export const fashion: Recipe = {
  name: 'fashion',
  summary: 'S2 (Fashion-MNIST): 2 conv blocks + batch norm + pooling, the best configuration',
  reference: { study: 'S2', experiment: 'Fashion-MNIST benchmark "2 Conv+pooling+BN"', metric: 'test accuracy', value: 0.934, dataNote: DATA_NOTE_FULL },
  data: DATA,
  input: INPUT,
  labels: LABELS,
  build: buildBest,
  train: {
    // 24 epochs, ~3.5 minutes each on 2 CPU cores (~260 images/s), with the learning rate annealed
    // along a cosine: 93.45% test (validation 93.98%, best at the last epoch). Measured with 20
    // epochs and ReduceLROnPlateau instead: validation loss kept
    // improving a little every epoch, so the rate was never lowered, and the model ended
    // underfitted (training accuracy under dropout 93.5%, test 93.14%). Mirroring only: garments,
    // shoes and bags have no handedness, while an earlier ±4° / ±2 px / ±5% jitter made the model
    // underfit more (test 92.43% at 15 epochs): Fashion-MNIST's items are already centred and upright.
    epochs: 24,
    batchSize: 128,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    augment: { flipHorizontalProbability: 0.5 },
    cosineDecay: { minLearningRate: 1e-5 },
    keepBest: true,
  },
};

/** GRU variant: 28 rows as time steps, GRU(128), softmax (the benchmark table's GRU rows). */
export const fashionGru: Recipe = {
  name: 'fashion-gru',
  summary: 'S2 (Fashion-MNIST): GRU(128) reading image rows as time steps',
  reference: { study: 'S2', experiment: 'Fashion-MNIST benchmark GRU rows (88.8–89.7%)', metric: 'test accuracy', value: 0.888, dataNote: DATA_NOTE_FULL },
  data: DATA,
  input: INPUT,
  labels: LABELS,
  build: () => buildRowReader('gru', 'fashion_gru'),
  train: { epochs: 12, batchSize: 128, optimizer: { name: 'adam', learningRate: 1e-3 }, reduceLrOnPlateau: { factor: 0.5, patience: 2 }, earlyStopping: { patience: 4 }, keepBest: true },
};

export const fashionRecipes = [fashion, fashionGru, ...fashionFeatureMapSweep, ...fashionOptimizerSweep];
