/**
 * The server on onnxruntime's WebGPU execution provider (real express on 127.0.0.1, real
 * onnxruntime-node webgpu EP on the software adapter in CI): v2 answers equal the CPU provider's
 * within 1e-5, dynamic batching still merges requests, metadata and /metrics report webgpu, and a
 * new model version is loaded on webgpu and swapped in.
 * `onnxline serve --device auto` skips the software adapter with one line saying why.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DataType, Graph, attr, encodeModel } from '../../pipeline/export/index.ts';
import { addVersion, digitsModel, digitsRequest, getJson, postJson, referenceDigits, serve, tempDir, writeConfig, type TestServer } from '../serve/fixtures.ts';
import { onlySoftwareVulkan, requireAdapter } from './helpers.ts';
import { uniformValues as values } from '../../pipeline/train/seeded-random.ts';

// Only the software driver, in this process too: the same adapter on a machine with a GPU as in CI.
Object.assign(process.env, onlySoftwareVulkan());

const TOLERANCE = 1e-5;


/** A small CNN on digits-shaped input: NHWC → Transpose → Conv 8×3×3 → Relu → MaxPool 2 → Reshape → MatMul + Add → Softmax. */
function cnnModel(): Uint8Array {
  const g = new Graph();
  g.inputs.push({ name: g.reserveName('image'), dataType: DataType.FLOAT, shape: ['batch', 28, 28, 1] });
  const nchw = g.add('Transpose', ['image'], { perm: attr.ints([0, 3, 1, 2]) });
  const conv = g.add('Conv', [nchw, g.addFloat('conv_w', [8, 1, 3, 3], values(72, 11, 0.6)), g.addFloat('conv_b', [8], values(8, 12, 0.1))], { kernel_shape: attr.ints([3, 3]) });
  const pooled = g.add('MaxPool', [g.add('Relu', [conv])], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  const flat = g.add('Reshape', [pooled, g.addInt64('flat_shape', [-1, 8 * 13 * 13])]);
  const logits = g.add('Add', [g.add('MatMul', [flat, g.addFloat('fc_w', [8 * 13 * 13, 10], values(8 * 13 * 13 * 10, 13, 0.05))]), g.addFloat('fc_b', [10], values(10, 14, 0.1))]);
  g.addNode('Softmax', [logits], { axis: attr.int(-1) }, { outputs: [g.reserveName('probabilities')] });
  g.outputs.push({ name: 'probabilities', dataType: DataType.FLOAT, shape: ['batch', 10] });
  return encodeModel(g, { opset: 17, producerVersion: 'test' });
}

let repo: ReturnType<typeof tempDir>;
let gpu: TestServer;
let cpu: TestServer;

before(async () => {
  await requireAdapter();
  repo = tempDir('onnxline-webgpu-serve-');
  await addVersion(repo.dir, 'digits', 1, digitsModel(5));
  await writeConfig(repo.dir, 'digits', { max_batch_size: 16, dynamic_batching: { max_queue_delay_microseconds: 30_000, max_queue_size: 100 } });
  await addVersion(repo.dir, 'cnn', 1, cnnModel());
  gpu = await serve(repo.dir, { device: 'webgpu' });
  cpu = await serve(repo.dir, { device: 'cpu' });
});

after(async () => {
  await gpu?.close();
  await cpu?.close();
  repo?.cleanup();
});

function assertClose(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values vs ${expected.length}`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= TOLERANCE, `${what} element ${i}: webgpu ${v} vs cpu ${expected[i]}`));
}

test('metadata and /metrics report the webgpu provider for every model', async () => {
  assert.ok(gpu.logs.some((l) => /^device: webgpu on llvmpipe.*\[software adapter\]$/.test(l)), gpu.logs.join('\n'));
  for (const model of ['digits', 'cnn']) {
    const meta = await getJson(`${gpu.url}/v2/models/${model}`);
    assert.equal(meta.status, 200);
    assert.equal(meta.body.parameters.execution_provider, 'webgpu', model);
    assert.equal((await getJson(`${cpu.url}/v2/models/${model}`)).body.parameters.execution_provider, 'cpu');
  }
  const metrics = await (await fetch(`${gpu.url}/metrics`)).text();
  assert.match(metrics, /onnxline_model_loaded\{model="digits",version="1",execution_provider="webgpu"\} 1/);
  assert.match(metrics, /onnxline_model_loaded\{model="cnn",version="1",execution_provider="webgpu"\} 1/);
  assert.doesNotMatch(metrics, /execution_provider="cpu"/);
  assert.match(metrics, /onnxline_webgpu_adapter\{description="llvmpipe[^"]*",vendor="mesa",architecture="software",software="true"\} 1/);
});

test('v2 answers on webgpu equal the CPU provider\'s within 1e-5 (batch 1 and 7, MatMul and Conv models)', async () => {
  for (const model of ['digits', 'cnn']) {
    for (const rows of [1, 7]) {
      const request = digitsRequest(rows, 40 + rows);
      const [a, b] = await Promise.all([postJson(`${gpu.url}/v2/models/${model}/infer`, request), postJson(`${cpu.url}/v2/models/${model}/infer`, request)]);
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(b.status, 200, JSON.stringify(b.body));
      assert.deepEqual(a.body.outputs[0].shape, [rows, 10]);
      assert.equal(a.body.model_name, model);
      assertClose(a.body.outputs[0].data, b.body.outputs[0].data, `${model} batch ${rows}`);
    }
  }
});

test('dynamic batching still merges concurrent requests on webgpu, each answer equal to the CPU provider\'s', async () => {
  const stats = async () => (await getJson(`${gpu.url}/v2/models/digits/stats`)).body.model_stats[0] as { inference_count: number; execution_count: number };
  const before = await stats();
  const requests = Array.from({ length: 12 }, (_, i) => digitsRequest(1 + (i % 3), 200 + i));
  const answers = await Promise.all(requests.map((r) => postJson(`${gpu.url}/v2/models/digits/infer`, r)));
  const after = await stats();
  for (const [i, res] of answers.entries()) {
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const expected = await postJson(`${cpu.url}/v2/models/digits/infer`, requests[i]);
    assertClose(res.body.outputs[0].data, expected.body.outputs[0].data, `request ${i}`);
  }
  assert.equal(after.inference_count - before.inference_count, requests.reduce((n, r) => n + r.inputs[0]!.shape[0]!, 0));
  assert.ok(after.execution_count - before.execution_count < requests.length, `${requests.length} requests ran in ${after.execution_count - before.execution_count} executions`);
});

test('`onnxline serve --device auto` skips cuda and the software adapter, one line each, and serves on cpu', async () => {
  const bin = fileURLToPath(new URL('../../pipeline/bin/onnxline.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'serve', '--device', 'auto', '--port', '0', '--poll-ms', '0', '--repository', repo.dir], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s:\n${out}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/listening on/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  const lines = out.split('\n');
  assert.equal(lines.filter((l) => l.startsWith('device: skipping cuda (')).length, 1, out);
  assert.equal(lines.filter((l) => /^device: skipping webgpu \(the only adapter is a CPU implementation, slower than the cpu provider: llvmpipe/.test(l)).length, 1, out);
  assert.ok(lines.includes('device: auto → cpu'), out);
  assert.match(out, /serve: 2 model\(s\) ready \((cnn v1 on cpu, digits v1 on cpu|digits v1 on cpu, cnn v1 on cpu)\)/);
});

test('a new version is loaded on webgpu beside the old one and swapped in; the old session is released cleanly', async () => {
  const reload = tempDir('onnxline-webgpu-reload-');
  const server = await serve(reload.dir, { device: 'webgpu', pollMs: 100 });
  try {
    await addVersion(reload.dir, 'digits', 1, digitsModel(1));
    // Generous: on the software Vulkan device, compiling a session competes with whatever else the 2 cores run.
    const deadline = Date.now() + 90_000;
    const answer = async () => postJson(`${server.url}/v2/models/digits/infer`, digitsRequest(2, 9));
    let res = await answer();
    while (res.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      res = await answer();
    }
    assert.equal(res.body.model_version, '1', JSON.stringify(res.body));
    await addVersion(reload.dir, 'digits', 2, digitsModel(2));
    while (res.body.model_version !== '2' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      res = await answer();
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    assert.equal(res.body.model_version, '2', 'version 2 answers');
    const reference = await referenceDigits(digitsModel(2));
    try {
      assertClose(res.body.outputs[0].data, Array.from(await reference.run(digitsRequest(2, 9))), 'version 2 on webgpu vs onnxruntime cpu');
    } finally {
      await reference.release();
    }
    assert.equal((await getJson(`${server.url}/v2/models/digits`)).body.parameters.execution_provider, 'webgpu');
    assert.ok(server.logs.some((l) => /digits version 2 loaded on webgpu/.test(l)), server.logs.join('\n'));
  } finally {
    await server.close();
    reload.cleanup();
  }
});
