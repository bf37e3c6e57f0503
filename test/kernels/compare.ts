/** Shared helpers for the wasm kernel tests: deterministic inputs and cpu-vs-wasm agreement. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';

export type Backend = 'cpu' | 'wasm';

/** Default relative tolerance: max |wasm − cpu| ≤ TOL × max(1, max |cpu|). */
export const TOL = 1e-4;

/** Deterministic values in [-1, 1) (a tiny LCG), so both backends see identical inputs. */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Runs fn with `backend` active and returns the data of every tensor it returns (as copies). */
export async function on(backend: Backend, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const data = list.map((x) => Float32Array.from(x.dataSync()));
  tf.dispose(list);
  return data;
}

/** Asserts equal lengths, finite values, and max |actual − expected| ≤ tol × scale. */
export function assertClose(actual: Float32Array, expected: Float32Array, what: string, tol = TOL): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  let maxDiff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Number.isFinite(actual[i]), `${what}: non-finite value at ${i}`);
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  assert.ok(maxDiff <= tol * scale, `${what}: max |wasm - cpu| = ${maxDiff} > ${tol * scale}`);
}

/** Same computation on cpu and wasm; every output must agree. Returns wasm's outputs. */
export async function agree(what: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  const cpu = await on('cpu', fn);
  const wasm = await on('wasm', fn);
  assert.equal(wasm.length, cpu.length, `${what}: output count`);
  cpu.forEach((c, i) => assertClose(wasm[i]!, c, `${what} [output ${i}]`));
  return wasm;
}

/**
 * The outputs of a small convolution training computation (dx, dW through conv → relu → max-pool,
 * and a 300×200·200×100 product) on `backend`, for checking a backend configuration against cpu.
 */
export async function convGradients(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(values(16 * 14 * 14 * 8, 1), [16, 14, 14, 8]);
    const w = tf.tensor4d(values(3 * 3 * 8 * 16, 2), [3, 3, 8, 16]);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.maxPool(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')), 2, 2, 'valid').sum())([x, w]);
    const big = tf.matMul(tf.tensor2d(values(300 * 200, 3), [300, 200]), tf.tensor2d(values(200 * 100, 4), [200, 100]));
    return [dx!.dataSync(), dw!.dataSync(), big.dataSync()].map((d) => Float32Array.from(d));
  });
}
