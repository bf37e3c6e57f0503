import test from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { clipByGlobalNorm, getLearningRate, makeOptimizer, setLearningRate, withGradientClipping } from '../../pipeline/train/optimizer.ts';

test('clipByGlobalNorm scales all gradients by maxNorm / globalNorm only when above it', async () => {
  await tf.setBackend('cpu');
  const g = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }; // global norm 5
  const clipped = clipByGlobalNorm(g, 2.5);
  assert.deepEqual([...clipped.a!.dataSync(), ...clipped.b!.dataSync()], [1.5, 0, 0, 2]);
  const untouched = clipByGlobalNorm(g, 10);
  assert.deepEqual([...untouched.a!.dataSync(), ...untouched.b!.dataSync()], [3, 0, 0, 4]);
});

test('a clipping SGD optimizer moves a variable by at most lr × clipNorm per step', async () => {
  await tf.setBackend('cpu');
  const v = tf.variable(tf.tensor1d([0, 0]));
  const opt = withGradientClipping(makeOptimizer({ name: 'sgd', learningRate: 1 }), { clipNorm: 1 });
  opt.minimize(() => tf.sum(tf.mul(v, tf.tensor1d([30, 40]))) as tf.Scalar);
  const moved = v.dataSync();
  assert.ok(Math.abs(moved[0]! + 0.6) < 1e-6 && Math.abs(moved[1]! + 0.8) < 1e-6, `moved to ${moved}`);
});

test('setLearningRate changes the step size of sgd, momentum, adam and rmsprop', async () => {
  await tf.setBackend('cpu');
  for (const name of ['sgd', 'momentum', 'adam', 'rmsprop'] as const) {
    const opt = makeOptimizer({ name, learningRate: 0.1 });
    setLearningRate(opt, 0.01);
    assert.equal(getLearningRate(opt), 0.01, name);
    const v = tf.variable(tf.scalar(0));
    opt.minimize(() => tf.mul(v, 1) as tf.Scalar);
    const step = Math.abs(v.dataSync()[0]!);
    assert.ok(step > 0 && step <= 0.0101 * (name === 'rmsprop' ? 3.2 : 1), `${name} step ${step}`);
  }
});
