/**
 * Open Inference Protocol conformance of every route, on a real server (127.0.0.1, port 0) with
 * real onnxruntime: a published digits-shaped model (config.json) and an INT64/BOOL model served
 * from a bare model.onnx.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { publishModel } from '../../pipeline/publish/publish.ts';
import { DIGIT_LABELS, addVersion, digitsModel, digitsRequest, getJson, postJson, referenceDigits, serve, tempDir, typesModel, type TestServer } from './fixtures.ts';

let server: TestServer;
let repo: ReturnType<typeof tempDir>;
let reference: Awaited<ReturnType<typeof referenceDigits>>;

before(async () => {
  repo = tempDir('onnxline-protocol-');
  await publishModel({ repositoryRoot: repo.dir, name: 'digits', bytes: digitsModel(1), report: { blessed: true } });
  await addVersion(repo.dir, 'types', 1, typesModel());
  server = await serve(repo.dir);
  reference = await referenceDigits(digitsModel(1));
});

after(async () => {
  await server?.close();
  await reference?.release();
  repo?.cleanup();
});


test('health: live and ready answer 200 with an empty body', async () => {
  for (const path of ['/v2/health/live', '/v2/health/ready']) {
    const res = await fetch(server.url + path);
    assert.equal(res.status, 200, path);
    assert.equal(await res.text(), '', `${path} has an empty body`);
  }
});

test('server metadata names the server, its version and its extensions', async () => {
  const { status, body } = await getJson(server.url + '/v2');
  assert.equal(status, 200);
  assert.equal(body.name, 'onnxline');
  assert.match(body.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual([...body.extensions].sort(), ['binary_tensor_data', 'classification', 'model_repository', 'statistics']);
});

test('model metadata: versions, platform, inputs and outputs with -1 for dynamic dimensions, execution provider', async () => {
  const { status, body } = await getJson(server.url + '/v2/models/digits');
  assert.equal(status, 200);
  assert.equal(body.name, 'digits');
  assert.deepEqual(body.versions, ['1']);
  assert.equal(body.platform, 'onnxruntime_onnx');
  assert.deepEqual(body.inputs, [{ name: 'image', datatype: 'FP32', shape: [-1, 28, 28, 1] }]);
  assert.deepEqual(body.outputs, [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 10] }]);
  assert.equal(body.parameters.execution_provider, 'cpu');
  assert.deepEqual(body.parameters.labels, DIGIT_LABELS);
  const versioned = await getJson(server.url + '/v2/models/digits/versions/1');
  assert.deepEqual(versioned.body, body);
});

test('a bare model.onnx (no config.json) is described from the model itself, INT64 and BOOL included', async () => {
  const { status, body } = await getJson(server.url + '/v2/models/types');
  assert.equal(status, 200);
  assert.deepEqual(body.inputs, [
    { name: 'x', datatype: 'INT64', shape: [-1, 3] },
    { name: 'flag', datatype: 'BOOL', shape: [-1, 3] },
  ]);
  assert.deepEqual(body.outputs.map((o: { name: string; datatype: string }) => `${o.name}:${o.datatype}`), ['plus_one:INT64', 'negated:BOOL', 'as_float:FP32']);
});

test('model ready: 200 for a loaded model and version, 404 for an unknown model', async () => {
  assert.equal((await fetch(server.url + '/v2/models/digits/ready')).status, 200);
  assert.equal((await fetch(server.url + '/v2/models/digits/versions/1/ready')).status, 200);
  assert.equal((await fetch(server.url + '/v2/models/nope/ready')).status, 404);
});

test('infer with JSON: flat data, id echoed, probabilities equal onnxruntime run directly', async () => {
  const req = { id: 'req-42', ...digitsRequest(2) };
  const { status, body } = await postJson(server.url + '/v2/models/digits/infer', req);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.model_name, 'digits');
  assert.equal(body.model_version, '1');
  assert.equal(body.id, 'req-42');
  const [out] = body.outputs;
  assert.equal(out.name, 'probabilities');
  assert.equal(out.datatype, 'FP32');
  assert.deepEqual(out.shape, [2, 10]);
  const expected = await reference.run(req);
  out.data.forEach((v: number, i: number) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `element ${i}: ${v} vs ${expected[i]}`));
});

test('infer with nested data and the versioned route gives the same result as flat data', async () => {
  const flat = digitsRequest(1, 9);
  const d = flat.inputs[0]!.data;
  const nested = { inputs: [{ ...flat.inputs[0]!, data: [Array.from({ length: 28 }, (_, y) => Array.from({ length: 28 }, (_, x) => [d[y * 28 + x]!]))] }] };
  const a = await postJson(server.url + '/v2/models/digits/infer', flat);
  const b = await postJson(server.url + '/v2/models/digits/versions/1/infer', nested);
  assert.equal(b.status, 200, JSON.stringify(b.body));
  assert.deepEqual(b.body.outputs[0].data, a.body.outputs[0].data);
});

test('INT64 and BOOL tensors round-trip through JSON, and outputs select what comes back', async () => {
  const req = {
    inputs: [
      { name: 'x', shape: [2, 3], datatype: 'INT64', data: [[1, 2, 3], [-4, 5, 9007199254740990]] },
      { name: 'flag', shape: [2, 3], datatype: 'BOOL', data: [true, false, true, false, false, true] },
    ],
    outputs: [{ name: 'negated' }, { name: 'plus_one' }],
  };
  const { status, body } = await postJson(server.url + '/v2/models/types/infer', req);
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(body.outputs.map((o: { name: string }) => o.name), ['negated', 'plus_one']);
  assert.deepEqual(body.outputs[0], { name: 'negated', datatype: 'BOOL', shape: [2, 3], data: [false, true, false, true, true, false] });
  assert.deepEqual(body.outputs[1], { name: 'plus_one', datatype: 'INT64', shape: [2, 3], data: [2, 3, 4, -3, 6, 9007199254740991] });
});

/** Builds a binary-extension request body: JSON header, then the tensors' bytes. */
function binaryBody(header: unknown, ...chunks: Uint8Array[]): { body: Uint8Array<ArrayBuffer>; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Uint8Array.from(Buffer.concat([json, ...chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))])), headerLength: json.byteLength };
}

/** Splits a binary-extension response into its JSON header and binary remainder. */
async function readBinary(res: Response): Promise<{ header: any; rest: Buffer }> {
  const buf = Buffer.from(await res.arrayBuffer());
  const n = Number(res.headers.get('inference-header-content-length'));
  assert.ok(Number.isInteger(n) && n > 0, 'the response has Inference-Header-Content-Length');
  return { header: JSON.parse(buf.subarray(0, n).toString('utf8')), rest: buf.subarray(n) };
}

test('binary tensor data: binary request in, binary output out (binary_data_output), same numbers as JSON', async () => {
  const json = digitsRequest(3, 5);
  const pixels = Float32Array.from(json.inputs[0]!.data);
  const { body, headerLength } = binaryBody(
    { inputs: [{ name: 'image', shape: [3, 28, 28, 1], datatype: 'FP32', parameters: { binary_data_size: pixels.byteLength } }], parameters: { binary_data_output: true } },
    new Uint8Array(pixels.buffer),
  );
  const res = await fetch(server.url + '/v2/models/digits/infer', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength) }, body });
  assert.equal(res.status, 200);
  const { header, rest } = await readBinary(res);
  assert.deepEqual(header.outputs[0], { name: 'probabilities', datatype: 'FP32', shape: [3, 10], parameters: { binary_data_size: 120 } });
  assert.equal(rest.byteLength, 120);
  const got = new Float32Array(rest.buffer.slice(rest.byteOffset, rest.byteOffset + 120));
  const expected = await reference.run(json);
  got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `element ${i}`));
});

test('binary tensor data for INT64 and BOOL, with per-output binary_data mixing JSON and binary outputs', async () => {
  const x = BigInt64Array.from([10n, 20n, 30n]);
  const flag = Uint8Array.from([1, 0, 1]);
  const { body, headerLength } = binaryBody(
    {
      inputs: [
        { name: 'flag', shape: [1, 3], datatype: 'BOOL', parameters: { binary_data_size: 3 } },
        { name: 'x', shape: [1, 3], datatype: 'INT64', parameters: { binary_data_size: 24 } },
      ],
      outputs: [{ name: 'plus_one', parameters: { binary_data: true } }, { name: 'negated', parameters: { binary_data: false } }],
    },
    flag,
    new Uint8Array(x.buffer),
  );
  const res = await fetch(server.url + '/v2/models/types/infer', { method: 'POST', headers: { 'inference-header-content-length': String(headerLength) }, body });
  assert.equal(res.status, 200);
  const { header, rest } = await readBinary(res);
  assert.deepEqual(header.outputs[1], { name: 'negated', datatype: 'BOOL', shape: [1, 3], data: [false, true, false] });
  assert.equal(header.outputs[0].parameters.binary_data_size, 24);
  assert.deepEqual([...new BigInt64Array(rest.buffer.slice(rest.byteOffset, rest.byteOffset + 24))], [11n, 21n, 31n]);
});

test('classification extension: top-k as BYTES "score:index:label", in JSON and in binary', async () => {
  const req = { ...digitsRequest(2, 11), outputs: [{ name: 'probabilities', parameters: { classification: 3 } }] };
  const { status, body } = await postJson(server.url + '/v2/models/digits/infer', req);
  assert.equal(status, 200, JSON.stringify(body));
  const out = body.outputs[0];
  assert.equal(out.datatype, 'BYTES');
  assert.deepEqual(out.shape, [2, 3]);
  const expected = await reference.run(req);
  const row0 = [...expected.slice(0, 10)].map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 3);
  assert.deepEqual(out.data.slice(0, 3), row0.map(([p, i]) => `${p.toFixed(6)}:${i}:${DIGIT_LABELS[i]}`));

  const bin = await fetch(server.url + '/v2/models/digits/infer', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...req, outputs: [{ name: 'probabilities', parameters: { classification: 3, binary_data: true } }] }),
  });
  const { header, rest } = await readBinary(bin);
  assert.equal(header.outputs[0].datatype, 'BYTES');
  const first = rest.readUInt32LE(0);
  assert.equal(rest.subarray(4, 4 + first).toString(), out.data[0], 'BYTES binary data is 4-byte length-prefixed');
});

test('statistics: Triton format, counting inferences and executions', async () => {
  await postJson(server.url + '/v2/models/digits/infer', digitsRequest(2));
  const { status, body } = await getJson(server.url + '/v2/models/digits/stats');
  assert.equal(status, 200);
  const [s] = body.model_stats;
  assert.equal(s.name, 'digits');
  assert.equal(s.version, '1');
  assert.ok(s.inference_count >= 2);
  assert.ok(s.execution_count >= 1);
  for (const k of ['success', 'fail', 'queue', 'compute_input', 'compute_infer', 'compute_output']) {
    assert.equal(typeof s.inference_stats[k].count, 'number', k);
    assert.equal(typeof s.inference_stats[k].ns, 'number', k);
  }
  assert.ok(s.inference_stats.success.ns > 0);
  assert.ok(s.batch_stats.some((b: { batch_size: number }) => b.batch_size === 2));
  const all = await getJson(server.url + '/v2/models/stats');
  assert.deepEqual(all.body.model_stats.map((m: { name: string }) => m.name).sort(), ['digits', 'types']);
  const v = await getJson(server.url + '/v2/models/digits/versions/1/stats');
  assert.equal(v.body.model_stats.length, 1);
});

test('repository extension: index, unload (then not ready, 503 on infer), load again', async () => {
  const index = await postJson(server.url + '/v2/repository/index', {});
  assert.equal(index.status, 200);
  assert.deepEqual(index.body, [
    { name: 'digits', version: '1', state: 'READY', reason: '' },
    { name: 'types', version: '1', state: 'READY', reason: '' },
  ]);
  assert.equal((await postJson(server.url + '/v2/repository/models/types/unload', {})).status, 200);
  assert.equal((await fetch(server.url + '/v2/models/types/ready')).status, 400);
  const refused = await postJson(server.url + '/v2/models/types/infer', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'INT64', data: [1, 2, 3] }, { name: 'flag', shape: [1, 3], datatype: 'BOOL', data: [true, true, true] }] });
  assert.equal(refused.status, 503);
  assert.match(refused.body.error, /unloaded/);
  const readyOnly = await postJson(server.url + '/v2/repository/index', { ready: true });
  assert.deepEqual(readyOnly.body.map((e: { name: string }) => e.name), ['digits']);
  assert.equal((await postJson(server.url + '/v2/repository/models/types/load', {})).status, 200);
  assert.equal((await fetch(server.url + '/v2/models/types/ready')).status, 200);
  assert.equal((await postJson(server.url + '/v2/repository/models/nope/load', {})).status, 404);
});

test('/metrics: requests, inference and execution counts, latencies, pending, loaded models with their provider', async () => {
  await postJson(server.url + '/v2/models/digits/infer', digitsRequest(1));
  await postJson(server.url + '/v2/models/digits/infer', { inputs: [] });
  const res = await fetch(server.url + '/metrics');
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /onnxline_requests_total\{model="digits",version="1",outcome="success",reason="ok"\} \d+/);
  assert.match(text, /onnxline_requests_total\{model="digits",version="1",outcome="failure",reason="bad_request"\} \d+/);
  assert.match(text, /onnxline_inference_count_total\{model="digits",version="1"\} \d+/);
  assert.match(text, /onnxline_execution_count_total\{model="digits",version="1"\} \d+/);
  for (const h of ['queue', 'compute', 'request']) assert.match(text, new RegExp(`onnxline_${h}_duration_seconds_bucket\\{`));
  assert.match(text, /onnxline_pending_requests\{model="digits"\} 0/);
  assert.match(text, /onnxline_model_loaded\{model="digits",version="1",execution_provider="cpu"\} 1/);
});

test('published files: /models/{m}/{v}/model.onnx and /models/{m}/config.json', async () => {
  const onnx = await fetch(server.url + '/models/digits/1/model.onnx');
  assert.equal(onnx.status, 200);
  assert.ok(Buffer.from(await onnx.arrayBuffer()).equals(Buffer.from(digitsModel(1))), 'the served bytes are the published model');
  const config = await getJson(server.url + '/models/digits/config.json');
  assert.deepEqual(config.body.labels, DIGIT_LABELS);
  assert.equal((await fetch(server.url + '/models/digits/2/model.onnx')).status, 404);
  assert.equal((await fetch(server.url + '/models/..%2F..%2Fetc/1/model.onnx')).status, 400);
});

/** 280×280 grayscale pixels: a black "1"-like stroke on white paper. */
function strokePixels(): Buffer {
  const w = 280;
  const px = Buffer.alloc(w * w, 255);
  for (let y = 40; y < 240; y++) for (let x = 130; x < 150; x++) px[y * w + x] = 0;
  return px;
}

/** The stroke as PNG bytes. */
async function strokePng(): Promise<Uint8Array<ArrayBuffer>> {
  return Uint8Array.from(await sharp(strokePixels(), { raw: { width: 280, height: 280, channels: 1 } }).png().toBuffer());
}

test('classify for people: PNG body, multipart upload and JSON pixels agree, top-k labels with probabilities', async () => {
  const png = await strokePng();
  const a = await fetch(server.url + '/v1/models/digits:classify?top_k=4', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  assert.equal(a.status, 200);
  const fromPng = (await a.json()) as { model_name: string; predictions: { label: string; probability: number }[] };
  assert.equal(fromPng.model_name, 'digits');
  assert.equal(fromPng.predictions.length, 4);
  for (const p of fromPng.predictions) assert.ok(DIGIT_LABELS.includes(p.label) && p.probability >= 0 && p.probability <= 1);
  assert.ok(fromPng.predictions[0]!.probability >= fromPng.predictions[1]!.probability, 'sorted by probability');

  const form = new FormData();
  form.append('image', new Blob([png], { type: 'image/png' }), 'digit.png');
  form.append('top_k', '4');
  const b = await fetch(server.url + '/v1/models/digits:classify', { method: 'POST', body: form });
  assert.equal(b.status, 200);
  assert.deepEqual(((await b.json()) as typeof fromPng).predictions, fromPng.predictions);

  const raw = strokePixels();
  const rows = Array.from({ length: 280 }, (_, y) => Array.from(raw.subarray(y * 280, (y + 1) * 280)));
  const c = await postJson(server.url + '/v1/models/digits:classify', { pixels: rows, top_k: 4 });
  assert.equal(c.status, 200);
  assert.deepEqual(c.body.predictions.map((p: { label: string }) => p.label), fromPng.predictions.map((p) => p.label));
});

test('the web demo folder, when it exists, is served at /', async () => {
  const site = tempDir('onnxline-site-');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${site.dir}/index.html`, '<h1>digits demo</h1>');
  const s = await serve(repo.dir, { staticDir: site.dir });
  try {
    const res = await fetch(`${s.url}/`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '<h1>digits demo</h1>');
    assert.equal((await fetch(`${server.url}/index.html`)).status, 404, 'no folder, no static files');
  } finally {
    await s.close();
    site.cleanup();
  }
});
