/**
 * The .onnx file itself: IR version per opset, producer, doc string, metadata (exporter version,
 * source hash of model.json + weights), names of inputs/outputs/initializers — read back both by
 * our decoder and independently by the `onnx` python package — and the CLI entry point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { decodeModel, exportLayersModel, exportModelJson, exporterVersion } from '../../pipeline/export/index.ts';
import { runExportCommand } from '../../pipeline/export/cli-entry.ts';
import { saveLayersModel } from '../../pipeline/tfjs/model-io.ts';
import { randomWeights, runExported, useCpuBackend } from './harness.ts';

function smallCnn(): tfl.LayersModel {
  const m = tfl.sequential({
    name: 'tiny_cnn',
    layers: [
      tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu', name: 'conv' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ units: 3, activation: 'softmax', name: 'probs' }),
    ],
  });
  randomWeights(m, 11);
  return m;
}

function metadataOf(bytes: Uint8Array): Record<string, string> {
  const m = decodeModel(bytes);
  return Object.fromEntries((m['metadata_props'] ?? []).map((e: { key: string; value: string }) => [e.key, e.value]));
}

test('IR version follows the opset; producer, doc string and metadata are recorded', async () => {
  await useCpuBackend();
  const m = smallCnn();
  const expected: Record<number, number> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
  for (const [opset, ir] of Object.entries(expected)) {
    const decoded = decodeModel(exportLayersModel(m, { opset: Number(opset) }).bytes);
    assert.equal(decoded['ir_version'], ir, `opset ${opset}`);
    assert.deepEqual(decoded['opset_import'], [{ domain: '', version: Number(opset) }]);
  }
  const r = exportLayersModel(m, { metadata: { 'recipe': 'mnist', 'accuracy': '0.99' }, docString: 'a tiny CNN', sourceHash: 'abc123' });
  const decoded = decodeModel(r.bytes);
  assert.equal(decoded['producer_name'], 'onnxline');
  assert.equal(decoded['producer_version'], exporterVersion());
  assert.equal(decoded['doc_string'], 'a tiny CNN');
  const md = metadataOf(r.bytes);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(md['onnxline.exporter_version'], pkg.version);
  assert.equal(md['onnxline.source_hash'], 'abc123');
  assert.equal(md['recipe'], 'mnist');
  assert.equal(md['accuracy'], '0.99');
  assert.deepEqual(JSON.parse(md['onnxline.io']!).inputs[0], { name: 'conv_input', shape: [null, 6, 6, 1], layout: 'channels_last' });
});

test('the onnx python package reads back names, shapes, metadata and raw_data initializers', async () => {
  await useCpuBackend();
  const r = exportLayersModel(smallCnn(), { metadata: { k: 'v' } });
  const dir = mkdtempSync(join(tmpdir(), 'onnxline-file-'));
  const path = join(dir, 'tiny.onnx');
  writeFileSync(path, r.bytes);
  const script = `
import json, sys, onnx
m = onnx.load(sys.argv[1])
dim = lambda d: d.dim_param if d.HasField("dim_param") else d.dim_value
print(json.dumps({
  "ir": m.ir_version, "opset": [[o.domain, o.version] for o in m.opset_import], "producer": m.producer_name,
  "meta": {p.key: p.value for p in m.metadata_props},
  "inputs": [[i.name, i.type.tensor_type.elem_type, [dim(d) for d in i.type.tensor_type.shape.dim]] for i in m.graph.input],
  "outputs": [[o.name, [dim(d) for d in o.type.tensor_type.shape.dim]] for o in m.graph.output],
  "inits": sorted([t.name, len(t.raw_data) > 0, len(t.float_data), list(t.dims)] for t in m.graph.initializer),
}))`;
  const proc = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
  assert.equal(proc.status, 0, proc.stderr);
  const got = JSON.parse(proc.stdout);
  assert.equal(got.ir, 8);
  assert.deepEqual(got.opset, [['', 17]]);
  assert.equal(got.producer, 'onnxline');
  assert.equal(got.meta.k, 'v');
  assert.deepEqual(got.inputs, [['conv_input', 1, ['batch', 6, 6, 1]]]);
  assert.deepEqual(got.outputs, [['probs', ['batch', 3]]]);
  const names = got.inits.map((i: unknown[]) => i[0]);
  assert.deepEqual(names, ['conv/bias', 'conv/kernel', 'probs/bias', 'probs/kernel']);
  for (const [name, hasRaw, floatData] of got.inits) assert.ok(hasRaw && floatData === 0, `${name} should use raw_data`);
  const kernel = got.inits.find((i: unknown[]) => i[0] === 'conv/kernel');
  assert.deepEqual(kernel[3], [2, 1, 3, 3], 'conv kernel stored OIHW');
});

test('exportModelJson records sha256(model.json + weights) and matches the in-memory model', async () => {
  await useCpuBackend();
  const m = smallCnn();
  const dir = join(mkdtempSync(join(tmpdir(), 'onnxline-src-')), 'model');
  await saveLayersModel(m, dir);
  const expected = createHash('sha256').update(readFileSync(join(dir, 'model.json'))).update(readFileSync(join(dir, 'weights.bin'))).digest('hex');
  const r = await exportModelJson(join(dir, 'model.json'));
  assert.equal(metadataOf(r.bytes)['onnxline.source_hash'], expected);
  const x = tf.randomUniform([2, 6, 6, 1], -1, 1, 'float32', 5);
  const [got] = await runExported(r, [x]);
  const want = m.predict(x) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(got!, want))).dataSync()[0]! < 1e-5);
});

test('runExportCommand writes the file atomically and returns a one-line summary', async () => {
  await useCpuBackend();
  const dir = join(mkdtempSync(join(tmpdir(), 'onnxline-cli-')), 'model');
  await saveLayersModel(smallCnn(), dir);
  const out = join(dir, 'out', 'model.onnx');
  const line = await runExportCommand(join(dir, 'model.json'), { out, opset: 15 });
  assert.ok(existsSync(out));
  assert.deepEqual(readdirSync(join(dir, 'out')), ['model.onnx'], 'no temp files left behind');
  assert.match(line, /^exported .*model\.json → .*model\.onnx: \d+ nodes \((\w+×\d+, )*\w+×\d+\), [\d,]+ params, \d+\.\d KiB, \d+ ms, opset 15$/);
  assert.match(line, /Conv×1/);
  assert.match(line, / 119 params/); // conv 3·3·1·2 + 2 = 20, dense 32·3 + 3 = 99
  assert.equal(decodeModel(readFileSync(out))['opset_import'][0].version, 15);
});
