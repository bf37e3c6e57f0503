/**
 * For each layer family onnxline trains, a tiny model trained for 2 steps on wasm (with
 * onnxline's kernels) and on cpu from identical initial weights must report the same losses
 * and end with the same weights. This is what proves a training step's every kernel exists on
 * wasm and computes what cpu computes.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../pipeline/kernels/register-wasm.ts';

function values(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 2 ** 32;
  }
  return out;
}
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const oneHot = (n: number, k: number) => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7 + 3) % k), 'int32'), k);

interface Family {
  name: string;
  build: () => tf.LayersModel;
  x: () => tf.Tensor;
  y: () => tf.Tensor;
  loss: string;
  optimizer: () => tf.Optimizer;
  /** Weight tolerance (absolute, scaled by max(1, |w|)); Adam-like optimizers amplify tiny gradient differences. */
  tol?: number;
}

const seq = (layers: tf.layers.Layer[]) => tf.sequential({ layers });
const L = tf.layers;
const families: Family[] = [
  {
    name: 'Dense + L2 + Dropout, softmax CE, SGD',
    build: () => seq([L.dense({ inputShape: [12], units: 16, activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2: 1e-2 }) }), L.dropout({ rate: 0.25, seed: 7 }), L.dense({ units: 4, activation: 'softmax' })]),
    x: () => tf.tensor2d(values(8 * 12, 1), [8, 12]),
    y: () => oneHot(8, 4),
    loss: 'categoricalCrossentropy',
    optimizer: () => tf.train.sgd(0.1),
  },
  {
    name: 'Conv2D + MaxPool + AvgPool + BatchNorm, Adam',
    build: () =>
      seq([
        L.conv2d({ inputShape: [12, 12, 2], filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }),
        L.maxPooling2d({ poolSize: 2 }),
        L.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'valid' }),
        L.batchNormalization(),
        L.averagePooling2d({ poolSize: 2, padding: 'same' }),
        L.flatten(),
        L.dense({ units: 3, activation: 'softmax' }),
      ]),
    x: () => tf.tensor4d(values(6 * 12 * 12 * 2, 2), [6, 12, 12, 2]),
    y: () => oneHot(6, 3),
    loss: 'categoricalCrossentropy',
    optimizer: () => tf.train.adam(1e-3),
    tol: 2e-4,
  },
  {
    name: 'digits-shaped: Conv2D same (no bias) + BatchNorm + ReLU + MaxPool ×2 + Dense L2, Adam',
    build: () =>
      seq([
        L.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, padding: 'same', useBias: false, kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }) }),
        L.batchNormalization({ momentum: 0.9 }),
        L.activation({ activation: 'relu' }),
        L.maxPooling2d({ poolSize: 2 }),
        L.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: false, kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }) }),
        L.batchNormalization({ momentum: 0.9 }),
        L.activation({ activation: 'relu' }),
        L.maxPooling2d({ poolSize: 2 }),
        L.flatten(),
        L.dense({ units: 8, activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }) }),
        L.dense({ units: 3, activation: 'softmax' }),
      ]),
    x: () => tf.tensor4d(values(8 * 12 * 12, 10, 0, 1), [8, 12, 12, 1]),
    y: () => oneHot(8, 3),
    loss: 'categoricalCrossentropy',
    optimizer: () => tf.train.adam(1e-3),
    tol: 2e-4,
  },
  {
    name: 'Conv1D + GlobalAveragePooling1D, RMSProp',
    build: () => seq([L.conv1d({ inputShape: [10, 3], filters: 5, kernelSize: 3, strides: 1, activation: 'tanh' }), L.globalAveragePooling1d(), L.dense({ units: 2, activation: 'softmax' })]),
    x: () => tf.tensor3d(values(6 * 10 * 3, 3), [6, 10, 3]),
    y: () => oneHot(6, 2),
    loss: 'categoricalCrossentropy',
    optimizer: () => tf.train.rmsprop(1e-3),
    tol: 2e-4,
  },
  {
    name: 'DepthwiseConv2D + SeparableConv2D, momentum',
    build: () =>
      seq([
        L.depthwiseConv2d({ inputShape: [9, 9, 3], kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu' }),
        L.separableConv2d({ filters: 4, kernelSize: 3, padding: 'valid' }),
        L.globalMaxPooling2d({}),
        L.dense({ units: 2, activation: 'softmax' }),
      ]),
    x: () => tf.tensor4d(values(4 * 9 * 9 * 3, 4), [4, 9, 9, 3]),
    y: () => oneHot(4, 2),
    loss: 'categoricalCrossentropy',
    optimizer: () => tf.train.momentum(0.05, 0.9),
  },
  {
    name: 'Conv2DTranspose, MSE, SGD',
    build: () => seq([L.conv2dTranspose({ inputShape: [5, 5, 3], filters: 2, kernelSize: 3, strides: 2, padding: 'same' }), L.flatten(), L.dense({ units: 2 })]),
    x: () => tf.tensor4d(values(3 * 5 * 5 * 3, 5), [3, 5, 5, 3]),
    y: () => tf.tensor2d(values(6, 6), [3, 2]),
    loss: 'meanSquaredError',
    optimizer: () => tf.train.sgd(0.05),
  },
  {
    name: 'SimpleRNN, SGD',
    build: () => seq([L.simpleRNN({ inputShape: [6, 3], units: 5 }), L.dense({ units: 2, activation: 'softmax' })]),
    x: () => tf.tensor3d(values(4 * 6 * 3, 7), [4, 6, 3]),
    y: () => oneHot(4, 2),
    loss: 'categoricalCrossentropy',
    optimizer: () => tf.train.sgd(0.1),
  },
  {
    name: 'stacked LSTM, Adam',
    build: () => seq([L.lstm({ inputShape: [6, 3], units: 5, returnSequences: true }), L.lstm({ units: 4 }), L.dense({ units: 2, activation: 'softmax' })]),
    x: () => tf.tensor3d(values(4 * 6 * 3, 8), [4, 6, 3]),
    y: () => oneHot(4, 2),
    loss: 'categoricalCrossentropy',
    optimizer: () => tf.train.adam(1e-3),
    tol: 2e-4,
  },
  {
    name: 'GRU, SGD',
    build: () => seq([L.gru({ inputShape: [6, 3], units: 5 }), L.dense({ units: 2, activation: 'softmax' })]),
    x: () => tf.tensor3d(values(4 * 6 * 3, 9), [4, 6, 3]),
    y: () => oneHot(4, 2),
    loss: 'categoricalCrossentropy',
    optimizer: () => tf.train.sgd(0.1),
  },
  {
    name: 'Embedding + GlobalAveragePooling1D, sparse softmax CE, SGD',
    build: () => seq([L.embedding({ inputDim: 20, outputDim: 6, inputLength: 7 }), L.globalAveragePooling1d(), L.dense({ units: 3, activation: 'softmax' })]),
    x: () => tf.tensor2d(Array.from({ length: 5 * 7 }, (_, i) => (i * 13) % 20), [5, 7]),
    y: () => tf.tensor1d([0, 1, 2, 1, 0]),
    loss: 'sparseCategoricalCrossentropy',
    optimizer: () => tf.train.sgd(0.5),
  },
];

interface Trained {
  losses: number[];
  weights: Float32Array[];
}

async function train(backend: 'cpu' | 'wasm', f: Family, init: Float32Array[], steps = 2): Promise<Trained> {
  await tf.setBackend(backend);
  const model = f.build();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(init[i]!, w.shape)));
  model.compile({ optimizer: f.optimizer(), loss: f.loss });
  const x = f.x();
  const y = f.y();
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push((await model.trainOnBatch(x, y)) as number);
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  tf.dispose([x, y]);
  model.dispose();
  return { losses, weights };
}

function assertWeightsClose(a: Float32Array[], b: Float32Array[], tol: number, what: string): void {
  assert.equal(a.length, b.length);
  a.forEach((w, i) => {
    const ref = b[i]!;
    let maxDiff = 0;
    let scale = 1;
    for (let j = 0; j < w.length; j++) {
      maxDiff = Math.max(maxDiff, Math.abs(w[j]! - ref[j]!));
      scale = Math.max(scale, Math.abs(ref[j]!));
    }
    assert.ok(maxDiff <= tol * scale, `${what}: weight ${i} differs by ${maxDiff} (> ${tol * scale})`);
  });
}

before(async () => {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
});

describe('a training step on wasm equals one on cpu', () => {
  for (const f of families) {
    it(f.name, async () => {
      await tf.setBackend('cpu');
      const probe = f.build();
      const init = probe.getWeights().map((w, i) => values(size(w.shape), 100 + i, -0.5, 0.5));
      probe.dispose();
      const cpu = await train('cpu', f, init);
      const wasm = await train('wasm', f, init);
      cpu.losses.forEach((l, i) => {
        assert.ok(Number.isFinite(wasm.losses[i]), `${f.name}: wasm loss ${i} is ${wasm.losses[i]}`);
        assert.ok(Math.abs(wasm.losses[i]! - l) <= 1e-4 * Math.max(1, Math.abs(l)), `${f.name}: loss ${i} wasm ${wasm.losses[i]} vs cpu ${l}`);
      });
      assertWeightsClose(wasm.weights, cpu.weights, f.tol ?? 1e-4, f.name);
      // The step really trained: at least one weight moved.
      assert.ok(wasm.weights.some((w, i) => w.some((v, j) => Math.abs(v - init[i]![j]!) > 1e-6)), `${f.name}: no weight changed`);
    });
  }

  it('custom step with clipByValue and global-norm clipping', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const w1 = tf.variable(tf.tensor4d(values(3 * 3 * 2 * 4, 201), [3, 3, 2, 4]));
      const w2 = tf.variable(tf.tensor2d(values(4 * 3, 202), [4, 3]));
      const x = tf.tensor4d(values(5 * 8 * 8 * 2, 203), [5, 8, 8, 2]);
      const labels = oneHot(5, 3);
      const opt = tf.train.adam(1e-2);
      const losses: number[] = [];
      for (let s = 0; s < 2; s++) {
        const { value, grads } = tf.variableGrads(() => {
          const h = tf.relu(tf.conv2d(x, w1 as tf.Tensor4D, 1, 'same')).mean([1, 2]) as tf.Tensor2D;
          return tf.losses.softmaxCrossEntropy(labels, h.matMul(w2)) as tf.Scalar;
        });
        const clipped = tf.tidy(() => {
          const byValue = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.clipByValue(g, -0.05, 0.05)]));
          const norm = tf.sqrt(tf.addN(Object.values(byValue).map((g) => tf.sum(tf.square(g)))));
          const scale = tf.minimum(tf.scalar(1), tf.scalar(0.03).div(norm.add(1e-12)));
          return Object.fromEntries(Object.entries(byValue).map(([k, g]) => [k, g.mul(scale)]));
        });
        opt.applyGradients(Object.entries(clipped).map(([name, tensor]) => ({ name, tensor })));
        losses.push(value.dataSync()[0]!);
        tf.dispose([value, ...Object.values(grads), ...Object.values(clipped)]);
      }
      const out = { losses, weights: [Float32Array.from(w1.dataSync()), Float32Array.from(w2.dataSync())] };
      tf.dispose([w1, w2, x, labels]);
      opt.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    cpu.losses.forEach((l, i) => assert.ok(Math.abs(wasm.losses[i]! - l) <= 1e-4 * Math.max(1, Math.abs(l)), `loss ${i}: wasm ${wasm.losses[i]} vs cpu ${l}`));
    assertWeightsClose(wasm.weights, cpu.weights, 2e-4, 'clipped step');
  });
});
