/**
 * S0 — sorting unseen handwritten letters: 10 letter images in, the letters of the alphabet that
 * are NOT among them out, in alphabetical order (16…25 tokens, then an end token). S0's
 * "ConvLSTM": a ResNet-like CNN encodes each image (ResBlock: conv + batch norm with a skip;
 * ResBlock-Down: stride 2 with a 2×2 average pool on the skip), a bidirectional LSTM (128 per
 * direction) encodes the 10 vectors, its final hidden and cell states seed an LSTM decoder whose
 * inputs are zeros, and a softmax over 26 letters + the end token at each of 26 steps.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe } from '../pipeline/recipe.ts';
import { SEQUENCE_STEPS, SEQUENCE_TOKENS } from '../pipeline/data/transforms/letter-sequences.ts';
import { pytorchRecurrentInit } from './digits-rnn.ts';

type SymbolicTensor = tfl.SymbolicTensor;
const LENGTH = 10;
const SIDE = 28;
const CHANNELS = 32;

const l2 = () => tfl.regularizers.l2({ l2: 5e-5 });

function convBn(x: SymbolicTensor, strides: number, name: string, relu = true): SymbolicTensor {
  let y = tfl.layers.conv2d({ filters: CHANNELS, kernelSize: 3, strides, padding: 'same', useBias: false, kernelRegularizer: l2(), name: `${name}_conv` }).apply(x) as SymbolicTensor;
  y = tfl.layers.batchNormalization({ momentum: 0.9, name: `${name}_bn` }).apply(y) as SymbolicTensor;
  return relu ? (tfl.layers.activation({ activation: 'relu', name: `${name}_relu` }).apply(y) as SymbolicTensor) : y;
}

/** ResBlock (stride 1, identity skip) or ResBlock-Down (stride 2, 2×2 average pool on the skip). */
function resBlock(x: SymbolicTensor, down: boolean, name: string): SymbolicTensor {
  const y = convBn(convBn(x, down ? 2 : 1, `${name}_a`), 1, `${name}_b`, false);
  const skip = down ? (tfl.layers.averagePooling2d({ poolSize: 2, name: `${name}_pool` }).apply(x) as SymbolicTensor) : x;
  const sum = tfl.layers.add({ name: `${name}_add` }).apply([y, skip]) as SymbolicTensor;
  return tfl.layers.activation({ activation: 'relu', name: `${name}_relu` }).apply(sum) as SymbolicTensor;
}

/** The per-image encoder: 28×28 → 128 features. */
function imageEncoder(): tfl.LayersModel {
  const input = tfl.input({ shape: [SIDE, SIDE, 1] });
  let x = convBn(input, 1, 'stem');
  x = resBlock(x, true, 'res1'); // 14×14
  x = resBlock(x, true, 'res2'); // 7×7
  x = resBlock(x, false, 'res3');
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as SymbolicTensor;
  x = tfl.layers.dense({ units: 128, activation: 'relu', kernelRegularizer: l2(), name: 'embed' }).apply(x) as SymbolicTensor;
  x = tfl.layers.dropout({ rate: 0.1, name: 'embed_dropout' }).apply(x) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x, name: 'letter_encoder' });
}

function build(): tfl.LayersModel {
  const input = tfl.input({ shape: [LENGTH * SIDE, SIDE, 1], name: 'letters' });
  const images = tfl.layers.reshape({ targetShape: [LENGTH, SIDE, SIDE, 1], name: 'images' }).apply(input) as SymbolicTensor;
  const features = tfl.layers.timeDistributed({ layer: imageEncoder(), name: 'encode_images' }).apply(images) as SymbolicTensor;
  const init = pytorchRecurrentInit(128);
  const encoder = tfl.layers.bidirectional({
    layer: tfl.layers.lstm({ units: 128, returnState: true, recurrentActivation: 'sigmoid', kernelInitializer: init, recurrentInitializer: init, dropout: 0.1 }) as never,
    name: 'encoder',
  });
  const [, hForward, cForward, hBackward, cBackward] = encoder.apply(features) as SymbolicTensor[];
  const h = tfl.layers.concatenate({ name: 'encoder_h' }).apply([hForward!, hBackward!]) as SymbolicTensor;
  const c = tfl.layers.concatenate({ name: 'encoder_c' }).apply([cForward!, cBackward!]) as SymbolicTensor;
  // The decoder's inputs are zeros: a fixed all-zero projection of h, repeated for each step.
  const zero = tfl.layers.dense({ units: 1, kernelInitializer: 'zeros', biasInitializer: 'zeros', trainable: false, name: 'zero' }).apply(h) as SymbolicTensor;
  const zeros = tfl.layers.repeatVector({ n: SEQUENCE_STEPS, name: 'decoder_inputs' }).apply(zero) as SymbolicTensor;
  const init256 = pytorchRecurrentInit(256);
  const decoded = tfl.layers
    .lstm({ units: 256, returnSequences: true, recurrentActivation: 'sigmoid', kernelInitializer: init256, recurrentInitializer: init256, name: 'decoder' })
    .apply(zeros, { initialState: [h, c] }) as SymbolicTensor;
  const dropped = tfl.layers.dropout({ rate: 0.1, name: 'decoder_dropout' }).apply(decoded) as SymbolicTensor;
  const tokens = tfl.layers.dense({ units: SEQUENCE_TOKENS.length, activation: 'softmax', name: 'tokens' }).apply(dropped) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: tokens, name: 'letters_sort' });
}

export const lettersSort: Recipe = {
  name: 'letters-sort',
  summary: 'S0: 10 letter images → the missing letters in order (ResNet-like CNN, BiLSTM encoder, LSTM decoder)',
  reference: {
    study: 'S0',
    experiment: 'ConvLSTM, with augmentation',
    metric: 'validation accuracy',
    value: 0.8338,
    dataNote:
      "sequences of 10 capital letters rendered from handwriting/sans @fontsource fonts, MNIST-normalised (S0's handwritten letter set is not available offline); fonts split between train/validation/test; token accuracy over 26 output steps incl. end tokens",
  },
  data: {
    dataset: 'letters',
    validationFraction: 0.15,
    testFraction: 0.15,
    options: { classes: 'capitals', trainPerClass: 400, validationPerClass: 100, testPerClass: 100 },
    transform: { kind: 'letter-sequences', length: LENGTH, sequences: { train: 8000, validation: 1000, test: 1000 } },
  },
  input: { size: [LENGTH * SIDE, SIDE, 1], scale: '0..1', polarity: 'white-on-black', fit: 'stretch' },
  labels: [...SEQUENCE_TOKENS],
  outputs: [{ name: 'tokens', column: 0, steps: SEQUENCE_STEPS, classes: SEQUENCE_TOKENS.length }],
  build,
  train: {
    epochs: 30,
    batchSize: 64,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    // Each of the 10 letters jittered on its own (S0: random affine transforms).
    augment: { affine: { rotateDeg: 6, shiftPx: 1, scale: 0.05 }, tiles: LENGTH },
    earlyStopping: { patience: 6 },
    keepBest: true,
    // S0 set no time limit; one epoch of 8,000 sequences (80,000 images) takes ~5 minutes on 2 CPU cores (28 sequences/s).
    maxMinutes: 15,
  },
};
