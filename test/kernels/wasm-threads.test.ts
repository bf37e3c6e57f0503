/**
 * initWasmTrainingBackend({ threads: 2 }) under Node: loads tfjs's threaded SIMD build through
 * worker_threads, XNNPACK gets 2 threads, and convolution training still matches cpu.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initWasmTrainingBackend } from '../../pipeline/kernels/init-wasm.ts';

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

it('threaded wasm: 2 XNNPACK threads, conv gradients equal cpu', async () => {
  const info = await initWasmTrainingBackend({ threads: 2 });
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(info.binary, 'tfjs-backend-wasm-threaded-simd.wasm', info.note);
  assert.equal(info.threads, 2);
  assert.ok(info.kernels.includes('Conv2DBackpropFilter'));
  const grads = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const x = tf.tensor4d(values(16 * 14 * 14 * 8, 1), [16, 14, 14, 8]);
      const w = tf.tensor4d(values(3 * 3 * 8 * 16, 2), [3, 3, 8, 16]);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.maxPool(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')), 2, 2, 'valid').sum())([x, w]);
      const big = tf.matMul(tf.tensor2d(values(300 * 200, 3), [300, 200]), tf.tensor2d(values(200 * 100, 4), [200, 100]));
      return [dx!.dataSync(), dw!.dataSync(), big.dataSync()].map((d) => Float32Array.from(d));
    });
  };
  const cpu = await grads('cpu');
  const wasmOut = await grads('wasm');
  cpu.forEach((c, i) => {
    let diff = 0;
    let scale = 1;
    c.forEach((v, j) => {
      diff = Math.max(diff, Math.abs(v - wasmOut[i]![j]!));
      scale = Math.max(scale, Math.abs(v));
    });
    assert.ok(diff <= 1e-4 * scale, `output ${i}: max diff ${diff}`);
  });
});
