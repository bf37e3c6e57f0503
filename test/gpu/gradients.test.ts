/**
 * `--backend webgpu` computes the same training steps as the cpu backend: a tiny CNN and a tiny
 * LSTM start from identical weights on both backends and take three SGD steps on identical data;
 * at every step the loss and every gradient must match the cpu backend's within
 * |webgpu − cpu| ≤ 1e-4 + 1e-3·|cpu| (float32 on a GPU sums in a different order than the cpu).
 * The training loop itself (which on webgpu keeps each batch's loss on the GPU and reads them
 * back 16 batches at a time) records the cpu backend's epoch losses within the same tolerance.
 * Runs on whatever adapter Dawn finds — the software one in CI.
 */
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../pipeline/train/backend.ts';
import { trainModel } from '../../pipeline/train/loop.ts';
import type { ImageSet } from '../../pipeline/data/types.ts';
import { requireAdapter } from './helpers.ts';
import { uniformValues as values } from '../../pipeline/train/seeded-random.ts';

const ABS = 1e-4;
const REL = 1e-3;
const STEPS = 3;

before(async () => {
  await requireAdapter();
  const selected = await selectBackend('webgpu', () => undefined);
  assert.equal(selected.name, 'webgpu');
  assert.equal(tf.getBackend(), 'webgpu');
});


interface StepRecord {
  loss: number;
  grads: Float32Array[];
}

/** Builds the model on `backend`, loads `weights`, and records loss and gradients for STEPS SGD steps. */
async function steps(backend: string, build: () => tf.LayersModel, weights: Float32Array[], x: Float32Array, xShape: number[], y: Float32Array, classes: number): Promise<StepRecord[]> {
  assert.ok(await tf.setBackend(backend), `tfjs backend ${backend} did not start`);
  const model = build();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i]!, w.shape)));
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.sgd(0.5);
  const xs = tf.tensor(x, xShape);
  const ys = tf.tensor2d(y, [xShape[0]!, classes]);
  const records: StepRecord[] = [];
  for (let s = 0; s < STEPS; s++) {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, vars);
    records.push({ loss: (await value.data())[0]!, grads: await Promise.all(vars.map((v) => grads[v.name]!.data() as Promise<Float32Array>)) });
    optimizer.applyGradients(grads);
    tf.dispose([value, ...Object.values(grads)]);
  }
  tf.dispose([xs, ys]);
  model.dispose();
  optimizer.dispose();
  return records;
}

/** Max of |a − b| − REL·|b| over every element (≤ ABS when the two agree within the stated tolerance), and where. */
function worst(a: Float32Array, b: Float32Array): { excess: number; diff: number; at: number } {
  let excess = -Infinity;
  let diff = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    const e = d - REL * Math.abs(b[i]!);
    if (e > excess) [excess, diff, at] = [e, d, i];
  }
  return { excess, diff, at };
}

async function compare(name: string, build: () => tf.LayersModel, xShape: number[], classes: number): Promise<void> {
  await tf.setBackend('cpu');
  const reference = build();
  const weights = reference.getWeights().map((w, i) => values(w.size, 100 + i, 0.5));
  const shapes = reference.getWeights().map((w) => w.shape);
  reference.dispose();
  const batch = xShape[0]!;
  const x = values(xShape.reduce((a, b) => a * b, 1), 7);
  const y = new Float32Array(batch * classes);
  for (let i = 0; i < batch; i++) y[i * classes + (i % classes)] = 1;

  const cpu = await steps('cpu', build, weights, x, xShape, y, classes);
  const gpu = await steps('webgpu', build, weights, x, xShape, y, classes);
  let largest = 0;
  for (let s = 0; s < STEPS; s++) {
    assert.ok(Math.abs(gpu[s]!.loss - cpu[s]!.loss) <= ABS + REL * Math.abs(cpu[s]!.loss), `${name} step ${s + 1}: loss ${gpu[s]!.loss} on webgpu vs ${cpu[s]!.loss} on cpu`);
    for (let v = 0; v < cpu[s]!.grads.length; v++) {
      const g = cpu[s]!.grads[v]!;
      assert.ok(g.some((e) => e !== 0), `${name} step ${s + 1}: gradient ${v} (${shapes[v]}) is all zeros on cpu; the test would prove nothing`);
      const w = worst(gpu[s]!.grads[v]!, g);
      largest = Math.max(largest, w.diff);
      assert.ok(w.excess <= ABS, `${name} step ${s + 1}: gradient ${v} (shape ${shapes[v]}) differs by ${w.diff} at element ${w.at} (webgpu ${gpu[s]!.grads[v]![w.at]} vs cpu ${g[w.at]})`);
    }
  }
  // The losses must move: the steps really trained.
  assert.ok(cpu[STEPS - 1]!.loss < cpu[0]!.loss, `${name}: loss did not fall on cpu (${cpu.map((r) => r.loss).join(', ')})`);
  console.log(`# ${name}: ${STEPS} steps, losses ${gpu.map((r) => r.loss.toFixed(5)).join(' → ')} on webgpu; largest gradient difference ${largest.toExponential(2)}`);
}

test('a tiny CNN (conv, max-pool, dense, softmax) gets the cpu backend\'s gradients on webgpu, step by step', async () => {
  await compare(
    'tiny CNN',
    () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [10, 10, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 5 }),
        ],
      }),
    [8, 10, 10, 1],
    5,
  );
});

test('a tiny LSTM gets the cpu backend\'s gradients on webgpu, step by step', async () => {
  await compare(
    'tiny LSTM',
    () => tf.sequential({ layers: [tf.layers.lstm({ inputShape: [6, 3], units: 5 }), tf.layers.dense({ units: 4 })] }),
    [8, 6, 3],
    4,
  );
});

test('the training loop on webgpu (loss read back every 16 batches) records the cpu backend\'s epoch losses and accuracies', async () => {
  const count = 200; // 25 batches of 8: one read after 16 batches, one at the end of the epoch
  const pixels = new Uint8Array(count * 8 * 8);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    // Each class lights a different band of rows, plus deterministic noise.
    for (let p = 0; p < 64; p++) pixels[i * 64 + p] = (Math.floor(p / 8) % 3 === labels[i] ? 200 : 30) + ((i * 31 + p * 17) % 40);
  }
  const set: ImageSet = { pixels, labels, shape: [8, 8, 1], count };
  const build = () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
  await tf.setBackend('cpu');
  const first = build();
  const weights = first.getWeights().map((w, i) => values(w.size, 300 + i, 0.4));
  first.dispose();
  const history: Record<string, { loss: number; acc: number; valLoss: number; valAcc: number }[]> = {};
  for (const backend of ['cpu', 'webgpu']) {
    await tf.setBackend(backend);
    const model = build();
    model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i]!, w.shape)));
    const result = await trainModel({
      model,
      train: set,
      validation: set,
      numClasses: 3,
      config: { epochs: 2, batchSize: 8, optimizer: { name: 'sgd', learningRate: 0.05 }, keepBest: false },
      seed: 1,
      log: () => undefined,
      progress: false,
    });
    history[backend] = result.history;
    model.dispose();
  }
  for (const [e, cpu] of history.cpu!.entries()) {
    const gpu = history.webgpu![e]!;
    for (const key of ['loss', 'acc', 'valLoss', 'valAcc'] as const) {
      assert.ok(Math.abs(gpu[key] - cpu[key]) <= ABS + REL * Math.abs(cpu[key]), `epoch ${e + 1} ${key}: webgpu ${gpu[key]} vs cpu ${cpu[key]}`);
    }
  }
  assert.ok(history.cpu![1]!.loss < history.cpu![0]!.loss, `the loss fell (${history.cpu!.map((h) => h.loss).join(' → ')})`);
});
