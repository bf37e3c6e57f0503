/** A tiny two-class 2×2 image set and a softmax model over it, for tests of the training loop's controls. */
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../../pipeline/data/types.ts';

/** `n` deterministic 2×2 images labelled alternately 0 and 1. */
export function tinySet(n: number): ImageSet {
  const pixels = Uint8Array.from({ length: n * 4 }, (_, i) => (i * 37) % 256);
  return { pixels, labels: Int32Array.from({ length: n }, (_, i) => i % 2), shape: [2, 2, 1], count: n };
}

/** Flatten → dense softmax over 2 classes. */
export function tinyModel(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.flatten({ inputShape: [2, 2, 1] }));
  m.add(tfl.layers.dense({ units: 2, activation: 'softmax' }));
  return m;
}
