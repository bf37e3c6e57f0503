/**
 * Size and speed: the .onnx file is essentially its weights (within 1% + 64 KiB), and an
 * MNIST-sized CNN exports in well under a second.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { exportLayersModel } from '../../pipeline/export/index.ts';
import { exportAndCompare, randomWeights, useCpuBackend } from './harness.ts';
import { benchModel } from '../../models/bench-models.ts';

/** The classic MNIST CNN (the training benchmark's bench-cnn): 32/64 3×3 filters, max-pooling, dense 128, 10 classes (225,034 params). */
const mnistCnn = (): tfl.LayersModel => benchModel('bench-cnn').build();

test('the .onnx size is within 1% + 64 KiB of the weight bytes', async () => {
  await useCpuBackend();
  const m = mnistCnn();
  randomWeights(m, 1);
  const weightBytes = m.countParams() * 4;
  assert.equal(m.countParams(), 225034);
  const r = exportLayersModel(m);
  assert.ok(r.bytes.byteLength >= weightBytes, `${r.bytes.byteLength} bytes cannot hold ${weightBytes} bytes of weights`);
  assert.ok(r.bytes.byteLength <= weightBytes * 1.01 + 64 * 1024, `${r.bytes.byteLength} bytes for ${weightBytes} bytes of weights`);
});

test('an MNIST-sized CNN exports in under 1 s and matches tfjs', async () => {
  await useCpuBackend();
  const m = mnistCnn();
  randomWeights(m, 2);
  const started = performance.now();
  const r = exportLayersModel(m);
  const ms = performance.now() - started;
  assert.ok(ms < 1000, `export took ${ms.toFixed(0)} ms`);
  assert.ok(r.summary.ms < 1000);
  assert.deepEqual(r.summary.ops, { Transpose: 1, Conv: 2, Relu: 3, MaxPool: 2, Flatten: 1, Gemm: 2, Softmax: 1 });
  const cmp = await exportAndCompare(m, { label: 'mnist_cnn', tolerance: 1e-4, web: true });
  assert.ok(cmp.maxAbsDiff < 1e-4);
});
