/**
 * initWasmTrainingBackend({ threads: 2, native: false }) under Node (what ONNXLINE_NATIVE=0
 * or a platform without onnxruntime-node gets): loads tfjs's threaded SIMD build through
 * worker_threads, XNNPACK gets 2 threads, and convolution training still matches cpu.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertClose, convGradients } from './compare.ts';
import { initWasmTrainingBackend } from '../../pipeline/kernels/init-wasm.ts';

it('threaded wasm: 2 XNNPACK threads, conv gradients equal cpu', async () => {
  const info = await initWasmTrainingBackend({ threads: 2, native: false });
  assert.deepEqual(info.native, { unavailable: 'turned off' });
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(info.binary, 'tfjs-backend-wasm-threaded-simd.wasm', info.note);
  assert.equal(info.threads, 2);
  assert.ok(info.kernels.includes('Conv2DBackpropFilter'));
  const cpu = await convGradients('cpu');
  const wasmOut = await convGradients('wasm');
  cpu.forEach((c, i) => assertClose(wasmOut[i]!, c, `output ${i}`));
});
