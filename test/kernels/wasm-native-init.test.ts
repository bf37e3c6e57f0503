/**
 * initWasmTrainingBackend({ threads: 2 }) by default: XNNPACK on 2 threads (threaded build, shared
 * heap) and large convolutions and products on onnxruntime's native kernels on 2 threads
 * (operands copied out of the shared heap); convolution training still matches cpu.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertClose, convGradients } from './compare.ts';
import { initWasmTrainingBackend } from '../../pipeline/kernels/init-wasm.ts';
import { nativeStats } from '../../pipeline/kernels/native/ort-sync.ts';

it('default wasm: native kernels and XNNPACK on 2 threads each, conv gradients equal cpu', async () => {
  const info = await initWasmTrainingBackend({ threads: 2 });
  assert.deepEqual(info.native, { threads: 2 });
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(info.binary, 'tfjs-backend-wasm-threaded-simd.wasm', info.note);
  assert.equal(info.threads, 2);
  const callsBefore = nativeStats().calls;
  assert.ok(info.kernels.includes('Conv2DBackpropFilter'));
  const cpu = await convGradients('cpu');
  const wasmOut = await convGradients('wasm');
  cpu.forEach((c, i) => assertClose(wasmOut[i]!, c, `output ${i}`));
  assert.ok(nativeStats().calls > callsBefore, 'no convolution or product ran on the native kernels');
});
