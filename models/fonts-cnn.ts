/**
 * The S1 study's final CNN for 52 character classes in many fonts (SEEDS.md §S1): 702,948
 * trainable parameters, SiLU (swish) everywhere, a sigmoid second dense layer.
 *
 *   100×100×1 → [pad 2, Conv 16 k10 s2] → BN → SiLU → MaxPool 2      (24×24×16)
 *             → Conv 32 k5 'same' → BN → SiLU → MaxPool 2             (12×12×32)
 *             → Conv 32 k5 'same' → BN → SiLU → MaxPool 2 → SiLU      (6×6×32)
 *             → Flatten (1152) → Dense 512 SiLU → Dense 128 sigmoid → Dense 52 softmax
 *
 * Keras has no numeric conv padding, so the first conv's padding of 2 is a ZeroPadding2D; for the
 * stride-1 k5 convs padding 2 is exactly 'same'.
 */
import * as tfl from '@tensorflow/tfjs-layers';

/** Trainable parameters of the S1 CNN as the study reports them (BN moving statistics excluded). */
export const FONTS_CNN_PARAMS = 702_948;

/** Builds the S1 CNN for `classes` outputs (52 in the study), uncompiled. */
export function fontsCnn(classes = 52): tfl.LayersModel {
  const model = tfl.sequential({ name: 'fonts_cnn' });
  model.add(tfl.layers.zeroPadding2d({ inputShape: [100, 100, 1], padding: 2 }));
  model.add(tfl.layers.conv2d({ filters: 16, kernelSize: 10, strides: 2 }));
  model.add(tfl.layers.batchNormalization());
  model.add(tfl.layers.activation({ activation: 'swish' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  for (let i = 0; i < 2; i++) {
    model.add(tfl.layers.conv2d({ filters: 32, kernelSize: 5, padding: 'same' }));
    model.add(tfl.layers.batchNormalization());
    model.add(tfl.layers.activation({ activation: 'swish' }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  }
  model.add(tfl.layers.activation({ activation: 'swish' }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 512, activation: 'swish' }));
  model.add(tfl.layers.dense({ units: 128, activation: 'sigmoid' }));
  model.add(tfl.layers.dense({ units: classes, activation: 'softmax' }));
  return model;
}

/** Trainable parameter count of a model (what PyTorch's and the study's summaries count). */
export function trainableParams(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}
