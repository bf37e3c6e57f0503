/**
 * A recipe: everything that defines one model of the zoo — its data, architecture,
 * hyperparameters and targets. Recipes are data plus one `build` function; the stages do the work.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageInputSpec } from './preprocess/spec.ts';
import type { DataTransform } from './data/transforms/index.ts';

export type OptimizerName = 'adam' | 'sgd' | 'momentum' | 'rmsprop';

export interface OptimizerConfig {
  name: OptimizerName;
  learningRate: number;
  /** For 'momentum' (and rmsprop's momentum term). */
  momentum?: number;
}

export interface AugmentConfig {
  /** Random affine jitter per sample. */
  affine?: { rotateDeg: number; shiftPx: number; scale: number; shearDeg?: number };
  /**
   * Elastic distortion (Simard et al. 2003): a per-pixel displacement field of uniform noise,
   * smoothed by a Gaussian of `sigma` px and scaled by `alpha`, applied with the affine jitter.
   */
  elastic?: { alpha: number; sigma: number };
  /** Probability of mirroring a sample left to right (for subjects without a handedness: clothes, not characters). */
  flipHorizontalProbability?: number;
  /** Probability of inverting a sample (x → 1 − x). */
  invertProbability?: number;
  /** Probability of thickening (3×3 max) or, equally often, thinning (3×3 min) the strokes. */
  strokeWidthProbability?: number;
  /** Standard deviation of additive Gaussian noise (on 0..1 pixels), clipped back to 0..1. */
  gaussianNoiseStd?: number;
  /** Samples are this many images stacked top to bottom (S0's letter sequences): each is augmented on its own. */
  tiles?: number;
}

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  /** Clip each gradient's global norm to this value. */
  clipNorm?: number;
  /** Clip each gradient element to ±this value. */
  clipValue?: number;
  augment?: AugmentConfig;
  earlyStopping?: { patience: number; minDelta?: number };
  reduceLrOnPlateau?: { factor: number; patience: number; minLr?: number };
  /**
   * Anneal the learning rate from `optimizer.learningRate` down to `minLearningRate` along a half
   * cosine over `epochs`, set at the start of each epoch (the last epoch runs at the lowest rate).
   * Instead of, not together with, `reduceLrOnPlateau`.
   */
  cosineDecay?: { minLearningRate: number };
  /** Restore the weights of the epoch with the lowest validation loss at the end. */
  keepBest: boolean;
  /** Stop after the epoch during which training time passed this many minutes (a study's time budget, or ours on a slow machine). */
  maxMinutes?: number;
}

export interface DataConfig {
  /** A name from pipeline/data's registry ('mnist', 'fashion-mnist', ...). */
  dataset: string;
  validationFraction: number;
  testFraction: number;
  /** Loader parameters of that dataset (e.g. the fonts' renders per glyph); part of its cache key. */
  options?: Record<string, string | number | boolean>;
  /** A transform of the loaded split: S4's class imbalance, S3's digit pairs. */
  transform?: DataTransform;
  /**
   * Keep only this many training samples (the first of the seed-shuffled training split, after any
   * transform), for a study that trained on less data than the set has (S2: one 10,000-image
   * CIFAR batch). Validation and test splits are kept whole.
   */
  trainSamples?: number;
}

/** A number a source study reported, which the report puts beside ours. */
export interface StudyReference {
  /** SEEDS.md section: 'S0' … 'S4'. */
  study: 'S0' | 'S1' | 'S2' | 'S3' | 'S4';
  /** The study's row this recipe reproduces, e.g. 'LSTM (128 hidden), balanced'. */
  experiment: string;
  /** What the number measures, e.g. 'test accuracy', 'validation accuracy'. */
  metric: string;
  /** The reported value as a fraction (0.9863 for 98.63%). */
  value: number;
  /** Reported standard deviation over runs, when the study gives one. */
  std?: number;
  /** How our data differs from the study's (substitute set, sizes). */
  dataNote: string;
  /** The study's own training-time limit in minutes, when it set one (S1: 15). */
  timeBudgetMinutes?: number;
}

/** What the train stage knows when it builds the model. */
export interface BuildContext {
  /** Mean and standard deviation of the training split's pixels on the 0..1 scale. */
  pixelMean: number;
  pixelStd: number;
}

/** One model output and the label columns it learns (several for a sequence output). */
export interface OutputHead {
  /** The output layer's name (also the ONNX output's name). */
  name: string;
  /** The label column this output predicts; with `steps`, the first of `steps` consecutive columns. */
  column: number;
  /** For an output of shape [steps, classes]: one class per step, from consecutive label columns. */
  steps?: number;
  /** Width of the output's softmax. */
  classes: number;
  /** Weight of this output's cross-entropy in the loss: a number, or initial × decayPerEpoch^epoch. Default 1. */
  lossWeight?: number | { initial: number; decayPerEpoch: number };
}

export interface Recipe {
  name: string;
  /** One line for `onnxline models`. */
  summary: string;
  /** The study number this reproduces (SEEDS.md), for the report; absent for recipes of our own. */
  reference?: StudyReference;
  data: DataConfig;
  input: ImageInputSpec;
  /** Class names of the primary output (the first of `outputs`). */
  labels: string[];
  /**
   * The model's outputs in model order, each with its label columns and loss weight; the first is
   * the primary one (accuracy, confusion matrix, checkpoint selection). Default: one softmax over
   * `labels` learning label column 0.
   */
  outputs?: OutputHead[];
  /**
   * Builds the untrained model; L2 and dropout live in the architecture. The train stage passes
   * the training split's pixel statistics, for models that standardise their input (S3).
   */
  build: (context?: BuildContext) => tfl.LayersModel;
  train: TrainConfig;
  targets?: { testAccuracy?: number };
}
