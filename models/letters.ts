/**
 * `letters`: a CNN for letters drawn in the web demo. No handwritten letter set can be had offline
 * (SEEDS.md §S0 names the same substitute), so it trains on glyphs of the pinned handwriting and
 * sans-serif @fontsource fonts, jittered and given a random pen width at render time, elastic-
 * distorted in training, and normalised exactly like MNIST and like a drawing (pipeline/preprocess's
 * fitCenterOfMass). The 37 classes are EMNIST-balanced's letters: after that normalisation a
 * lowercase letter shaped like its capital (c o s u v w x z; i j k l m p y as people draw them)
 * cannot be told from it, so those pairs are one class, named by both glyphs ('Cc'); l joins I.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe } from '../pipeline/recipe.ts';
import { LETTER_CLASSES } from '../pipeline/data/fonts/letters.ts';
import { mnistCnn } from './digits.ts';

/** The digits CNN with 37 outputs and a little more dropout. */
const build = (): tfl.LayersModel => mnistCnn('letters', LETTER_CLASSES.length, 0.3);

export const letters: Recipe = {
  name: 'letters',
  summary: 'CNN for drawn letters (web demo): 37 EMNIST-balanced classes, handwriting + sans @fontsource glyphs, MNIST-normalised 28×28',
  data: {
    dataset: 'letters',
    validationFraction: 0.15,
    testFraction: 0.15,
    options: { trainPerClass: 1000, validationPerClass: 200, testPerClass: 200 },
  },
  input: { size: [28, 28, 1], scale: '0..1', polarity: 'white-on-black', fit: 'mnist-center-of-mass' },
  labels: [...LETTER_CLASSES],
  build,
  train: {
    // 10 epochs: ~3 minutes each on 2 CPU cores (37,000 glyphs at ~220 images/s).
    epochs: 10,
    batchSize: 128,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    augment: { affine: { rotateDeg: 8, shiftPx: 2, scale: 0.08, shearDeg: 6 }, elastic: { alpha: 36, sigma: 6 }, strokeWidthProbability: 0.3 },
    reduceLrOnPlateau: { factor: 0.5, patience: 2, minLr: 1e-5 },
    earlyStopping: { patience: 4 },
    keepBest: true,
  },
};
