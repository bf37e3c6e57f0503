/**
 * The fused Adam (train/fused-adam.ts + the wasm kernel OnnxlineAdamUpdate) against tfjs's own
 * AdamOptimizer on the cpu backend: the same weights, gradients and hyperparameters give the same
 * weights and optimizer state after several steps (max |diff| ≤ 1e-5 · scale), and the fused
 * kernel really ran.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../pipeline/kernels/register-wasm.ts';
import { ADAM_UPDATE_KERNEL } from '../../pipeline/kernels/wasm/AdamUpdate.ts';
import { FusedAdamOptimizer } from '../../pipeline/train/fused-adam.ts';
import { assertClose, values } from './compare.ts';

before(async () => {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
});

const SHAPES = [[37, 5], [64], [3, 3, 2, 4]];
const STEPS = 5;

/** Runs STEPS updates of `opt` on fresh variables with fixed per-step gradients; returns weights, then optimizer state. */
async function train(backend: string, opt: tf.Optimizer): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const vars = SHAPES.map((s, i) => tf.variable(tf.tensor(values(s.reduce((a, b) => a * b, 1), 10 + i), s), true, `w${backend}${i}${Math.random()}`));
  for (let step = 0; step < STEPS; step++) {
    const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(values(v.size, 100 * step + i), v.shape)]));
    opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const state = (await opt.getWeights()).map((w) => Float32Array.from(w.tensor.dataSync()));
  const out = [...vars.map((v) => Float32Array.from(v.dataSync())), ...state];
  tf.dispose(vars);
  opt.dispose();
  return out;
}

it('matches tfjs Adam on cpu after 5 steps: weights, moments, β powers, iterations', async () => {
  assert.ok(tf.getKernel(ADAM_UPDATE_KERNEL, 'wasm'), 'the fused kernel is not registered for wasm');
  let fusedCalls = 0;
  const kernel = tf.getKernel(ADAM_UPDATE_KERNEL, 'wasm')!;
  tf.unregisterKernel(ADAM_UPDATE_KERNEL, 'wasm');
  tf.registerKernel({ ...kernel, kernelFunc: (args) => (fusedCalls++, kernel.kernelFunc(args)) });
  try {
    const expected = await train('cpu', tf.train.adam(0.01, 0.9, 0.999, 1e-7));
    const actual = await train('wasm', new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7));
    assert.equal(fusedCalls, STEPS * SHAPES.length);
    assert.equal(actual.length, expected.length);
    expected.forEach((e, i) => assertClose(actual[i]!, e, `output ${i}`, 1e-5));
  } finally {
    tf.unregisterKernel(ADAM_UPDATE_KERNEL, 'wasm');
    tf.registerKernel(kernel);
  }
});

it('falls back to tfjs Adam on a backend without the fused kernel, with the same result', async () => {
  const expected = await train('cpu', tf.train.adam(0.01));
  const actual = await train('cpu', new FusedAdamOptimizer(0.01, 0.9, 0.999));
  expected.forEach((e, i) => assertClose(actual[i]!, e, `output ${i}`, 0));
});
