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
