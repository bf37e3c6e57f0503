/**
 * The three architectures of onnxline's speed benchmarks (`npm run bench:train`, `npm run
 * bench:gpu`), the same as ../shared/bench/torch_reference.py builds in PyTorch so the figures
 * compare like with like:
 *
 *   bench-cnn    28×28×1 → Conv 32 k3 relu → MaxPool 2 → Conv 64 k3 relu → MaxPool 2 → Flatten
 *                → Dense 128 relu → Dense 10 softmax
 *   fonts-cnn    100×100×1 → the S1 CNN of SEEDS.md (702,948 trainable parameters)
 *   digits-lstm  28 steps × 28 features → LSTM 128 (sigmoid gates, as PyTorch) → Dense 10 softmax
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { fontsCnn } from './fonts-cnn.ts';

export interface BenchModel {
  name: 'bench-cnn' | 'fonts-cnn' | 'digits-lstm';
  /** Input shape without the batch dimension. */
  inputShape: number[];
  classes: number;
  /** Builds a fresh, uncompiled model. */
  build: () => tfl.LayersModel;
}

function benchCnn(): tfl.LayersModel {
  return tfl.sequential({
    name: 'bench_cnn',
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

function digitsLstm(): tfl.LayersModel {
  return tfl.sequential({
    name: 'digits_lstm',
    layers: [tfl.layers.lstm({ inputShape: [28, 28], units: 128, recurrentActivation: 'sigmoid' }), tfl.layers.dense({ units: 10, activation: 'softmax' })],
  });
}

/** The benchmark models in the order the tables list them. */
export const BENCH_MODELS: readonly BenchModel[] = [
  { name: 'bench-cnn', inputShape: [28, 28, 1], classes: 10, build: benchCnn },
  { name: 'fonts-cnn', inputShape: [100, 100, 1], classes: 52, build: fontsCnn },
  { name: 'digits-lstm', inputShape: [28, 28], classes: 10, build: digitsLstm },
];

/** The benchmark model called `name`, or an error listing them. */
export function benchModel(name: string): BenchModel {
  const m = BENCH_MODELS.find((b) => b.name === name);
  if (!m) throw new Error(`unknown benchmark model "${name}"; choose from ${BENCH_MODELS.map((b) => b.name).join(', ')}`);
  return m;
}
