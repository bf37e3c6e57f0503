/** `onnxline export path/to/model.json` on a LayersModel that is not from the zoo, through the real CLI. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import '../../pipeline/tfjs/setup.ts';
import { saveLayersModel } from '../../pipeline/tfjs/model-io.ts';

const BIN = new URL('../../pipeline/bin/onnxline.js', import.meta.url).pathname;

function cli(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('export writes a runnable .onnx and prints a one-line summary', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnxline-export-'));
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [5], units: 3, activation: 'tanh', name: 'hidden' }), tfl.layers.dense({ units: 2, activation: 'softmax', name: 'scores' })] });
  await saveLayersModel(model, join(dir, 'm'));
  const out = join(dir, 'out.onnx');
  const r = cli(['export', join(dir, 'm', 'model.json'), '-o', out, '--opset', '13']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /exported .*model\.json → .*out\.onnx: \d+ nodes \(.*Gemm×2.*\), 26 params, [\d.]+ KiB, \d+ ms, opset 13/);
  const session = await ort.InferenceSession.create(out);
  const x = new Float32Array([0.1, -0.2, 0.3, 0.4, -0.5]);
  const got = (await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [1, 5]) }))[session.outputNames[0]!]!.data as Float32Array;
  const want = (model.predict(tf.tensor2d(x, [1, 5])) as tf.Tensor).dataSync();
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-6, `output ${i}: onnx ${got[i]} vs tfjs ${want[i]}`);
  await rm(dir, { recursive: true, force: true });
});

test('an unsupported layer stops the export with an error naming the layer, its class and the option', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnxline-export-'));
  const model = tfl.sequential({ layers: [tfl.layers.masking({ inputShape: [4, 3], maskValue: 0, name: 'pad_mask' }), tfl.layers.lstm({ units: 2, recurrentInitializer: 'glorotUniform' })] });
  await saveLayersModel(model, join(dir, 'm'));
  const out = join(dir, 'out.onnx');
  const r = cli(['export', join(dir, 'm', 'model.json'), '-o', out]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /pad_mask/);
  assert.match(r.out, /Masking/);
  assert.ok(!existsSync(out), 'no .onnx file is left behind');
  const missing = cli(['export', join(dir, 'nope', 'model.json'), '-o', out]);
  assert.equal(missing.code, 1);
  assert.match(missing.out, /cannot read tfjs model .*nope\/model\.json/);
  assert.ok(readFileSync(join(dir, 'm', 'model.json'), 'utf8').includes('Masking'));
  await rm(dir, { recursive: true, force: true });
});
