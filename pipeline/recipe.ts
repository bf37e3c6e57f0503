/**
 * A recipe: everything that defines one model of the zoo — its data, architecture,
 * hyperparameters and targets. Recipes are data plus one `build` function; the stages do the work.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageInputSpec } from './preprocess/spec.ts';

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
  /** Probability of inverting a sample (x → 1 − x). */
  invertProbability?: number;
  /** Probability of thickening (3×3 max) or, equally often, thinning (3×3 min) the strokes. */
  strokeWidthProbability?: number;
  /** Standard deviation of additive Gaussian noise (on 0..1 pixels), clipped back to 0..1. */
  gaussianNoiseStd?: number;
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
  /** Restore the weights of the epoch with the lowest validation loss at the end. */
  keepBest: boolean;
}

export interface DataConfig {
  /** A name from pipeline/data's registry ('mnist', 'fashion-mnist', ...). */
  dataset: string;
  validationFraction: number;
  testFraction: number;
}

export interface Recipe {
  name: string;
  /** One line for `onnxline models`. */
  summary: string;
  /** The study this reproduces (SEEDS.md section), if any. */
  study?: string;
  data: DataConfig;
  input: ImageInputSpec;
  labels: string[];
  /** Builds the untrained model; L2 and dropout live in the architecture. */
  build: () => tfl.LayersModel;
  train: TrainConfig;
  targets?: { testAccuracy?: number };
}
