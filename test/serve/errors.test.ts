/**
 * Every client mistake gets a JSON `{"error"}` with the right status and a message naming what was
 * wrong — never a 500, a crash or a hang. Also bearer-token auth and CORS.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addVersion, digitsModel, digitsRequest, getJson, postJson, serve, tempDir, typesModel, type TestServer } from './fixtures.ts';

let server: TestServer;
let repo: ReturnType<typeof tempDir>;

before(async () => {
  repo = tempDir('onnxline-errors-');
  await addVersion(repo.dir, 'digits', 1, digitsModel(2));
  await addVersion(repo.dir, 'types', 1, typesModel());
  server = await serve(repo.dir, { bodyLimit: 256 * 1024, maxBatchSize: 4 });
});

after(async () => {
  await server?.close();
  repo?.cleanup();
});

const infer = (model: string, body: unknown, headers: Record<string, string> = {}) => postJson(`${server.url}/v2/models/${model}/infer`, body, headers);

function assertError(res: { status: number; body: any; headers: Headers }, status: number, pattern: RegExp): void {
  assert.equal(res.status, status, `status ${res.status}: ${JSON.stringify(res.body)}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(typeof res.body?.error, 'string', 'the body is {"error": "..."}');
  assert.deepEqual(Object.keys(res.body), ['error']);
  assert.match(res.body.error, pattern);
}

const image = (shape: number[], data: unknown, datatype = 'FP32') => ({ inputs: [{ name: 'image', shape, datatype, data }] });

test('400: malformed JSON, schema violations', async () => {
  assertError(await infer('digits', '{"inputs": [', {}), 400, /not valid JSON/);
  assertError(await infer('digits', { inputs: 'image' }), 400, /request\.inputs must be array/);
  assertError(await infer('digits', { inputs: [{ name: 'image', datatype: 'FP32', data: [1] }] }), 400, /request\.inputs\.0 must have required property 'shape'/);
  assertError(await infer('digits', { inputs: [{ name: 'image', shape: [1, -2], datatype: 'FP32', data: [1] }] }), 400, /shape\.1 must be >= 0/);
});

test('400: wrong shape, datatype and data length name the input, expected and received', async () => {
  assertError(await infer('digits', image([1, 28, 28], new Array(784).fill(0))), 400, /input "image": shape \[1, 28, 28\] does not match the model's \[-1, 28, 28, 1\]/);
  assertError(await infer('digits', image([1, 28, 28, 1], new Array(784).fill(0), 'FP64')), 400, /input "image": datatype FP64 does not match the model's FP32/);
  assertError(await infer('digits', image([1, 28, 28, 1], [1, 2, 3])), 400, /input "image": shape \[1, 28, 28, 1\] needs 784 values but "data" holds 3/);
  const bad = new Array<unknown>(784).fill(0);
  bad[5] = 'x';
  assertError(await infer('digits', image([1, 28, 28, 1], bad)), 400, /input "image": element 5 is "x", but datatype FP32 expects a number/);
  assertError(await infer('digits', image([1, 28, 28, 1], undefined)), 400, /input "image" has no "data"/);
});

test('400: missing, unknown and duplicate inputs; unknown outputs; bad classification', async () => {
  assertError(await infer('types', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'INT64', data: [1, 2, 3] }] }), 400, /missing input "flag" \(BOOL \[-1, 3\]\)/);
  assertError(await infer('digits', { inputs: [{ name: 'pixels', shape: [1], datatype: 'FP32', data: [1] }] }), 400, /unknown input "pixels": the model's inputs are "image"/);
  const one = digitsRequest(1).inputs[0]!;
  assertError(await infer('digits', { inputs: [one, one] }), 400, /input "image" is given twice/);
  assertError(await infer('digits', { ...digitsRequest(1), outputs: [{ name: 'logits' }] }), 400, /unknown output "logits": the model's outputs are "probabilities"/);
  assertError(await infer('digits', { ...digitsRequest(1), outputs: [{ name: 'probabilities', parameters: { classification: 0 } }] }), 400, /classification must be a whole number/);
});

test('400: integer range and BOOL values are checked per element', async () => {
  const req = (x: unknown[], flag: unknown[]) => ({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'INT64', data: x }, { name: 'flag', shape: [1, 3], datatype: 'BOOL', data: flag }] });
  assertError(await infer('types', req([1, 2.5, 3], [true, true, true])), 400, /input "x": element 1 is 2.5, but datatype INT64 expects an integer/);
  assertError(await infer('types', req([1, 2, 3], [true, 1, true])), 400, /input "flag": element 1 is 1, but datatype BOOL expects true or false/);
});

test('400: batch larger than max_batch_size, and mismatched batch sizes', async () => {
  assertError(await infer('digits', digitsRequest(5)), 400, /batch size 5 is larger than the model's max_batch_size 4/);
  const req = { inputs: [{ name: 'x', shape: [2, 3], datatype: 'INT64', data: [1, 2, 3, 4, 5, 6] }, { name: 'flag', shape: [1, 3], datatype: 'BOOL', data: [true, true, true] }] };
  assertError(await infer('types', req), 400, /input "flag" has batch size 1 but input "x" has 2/);
});

test('400: binary data of the wrong size or with a bad header length', async () => {
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', shape: [1, 28, 28, 1], datatype: 'FP32', parameters: { binary_data_size: 100 } }] }));
  const body = Buffer.concat([header, Buffer.alloc(100)]);
  const send = (h: Record<string, string>, b: Buffer) =>
    fetch(`${server.url}/v2/models/digits/infer`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...h }, body: Uint8Array.from(b) }).then(async (r) => ({ status: r.status, body: await r.json(), headers: r.headers }));
  assertError(await send({ 'inference-header-content-length': String(header.byteLength) }, body), 400, /input "image": shape needs 784 FP32 elements = 3136 bytes, but binary_data_size is 100/);
  assertError(await send({ 'inference-header-content-length': String(body.byteLength + 5) }, body), 400, /Inference-Header-Content-Length is "\d+" but the body has \d+ bytes/);
  assertError(await send({ 'inference-header-content-length': String(header.byteLength) }, Buffer.concat([body, Buffer.alloc(8)])), 400, /binary_data_size add up to 100/);
});

test('404: unknown model, version or route; 400 for a model name that leaves the repository', async () => {
  assertError(await infer('nope', digitsRequest(1)), 404, /model "nope" not found/);
  assertError(await postJson(`${server.url}/v2/models/digits/versions/7/infer`, digitsRequest(1)), 404, /model "digits" has no version 7; the repository holds version\(s\) 1/);
  assertError(await getJson(`${server.url}/v2/models/digits/versions/latest`), 404, /versions are positive integers/);
  assertError(await getJson(`${server.url}/v2/nothing`), 404, /no route for GET \/v2\/nothing/);
  assertError(await getJson(`${server.url}/v2/models/..%2F..%2Fetc`), 400, /invalid model name/);
});

test('413: a body over the limit; 415: unsupported media types', async () => {
  assertError(await infer('digits', image([1, 28, 28, 1], new Array(40000).fill(0.123456))), 413, /over the limit of 262144 bytes/);
  assertError(await infer('digits', 'inputs', { 'content-type': 'text/plain' }), 415, /unsupported Content-Type "text\/plain"/);
  assertError(await postJson(`${server.url}/v1/models/digits:classify`, 'hello', { 'content-type': 'text/plain' }), 415, /send image\/png, image\/jpeg/);
});

test('classify: undecodable image, bad pixels, a model without an image input', async () => {
  const bad = await fetch(`${server.url}/v1/models/digits:classify`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'not a png' });
  assertError({ status: bad.status, body: await bad.json(), headers: bad.headers }, 400, /the image could not be decoded/);
  assertError(await postJson(`${server.url}/v1/models/digits:classify`, { pixels: [[1, 2], [3]] }), 400, /row 1 has 1 values but row 0 has 2/);
  assertError(await postJson(`${server.url}/v1/models/digits:classify`, { pixels: [[1, 300]] }), 400, /\[0\]\[1\] is 300; expected a number in 0\.\.255/);
  assertError(await postJson(`${server.url}/v1/models/digits:classify`, { image: [] }), 400, /needs "pixels"/);
  assertError(await postJson(`${server.url}/v1/models/types:classify`, { pixels: [[0]] }), 400, /model "types" does not take an image/);
  assertError(await postJson(`${server.url}/v1/models/digits:predict`, { pixels: [[0]] }), 404, /did you mean \/v1\/models\/digits:classify/);
});

test('after all those errors the server is alive, ready and never answered 500', async () => {
  assert.equal((await fetch(`${server.url}/v2/health/live`)).status, 200);
  assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 200);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.doesNotMatch(metrics, /reason="internal"/);
  assert.match(metrics, /onnxline_requests_total\{model="digits",version="1",outcome="failure",reason="too_large"\} 1/, 'a 413 counts as a failure of that model');
  assert.match(metrics, /onnxline_requests_total\{model="digits",version="1",outcome="failure",reason="unsupported_media_type"\} 2/);
  assert.match(metrics, /onnxline_requests_total\{model="",version="",outcome="failure",reason="not_found"\} \d+/, 'unknown models are not labels');
  assert.ok(!server.logs.some((l) => l.startsWith('error:')), server.logs.join('\n'));
});

test('bearer-token auth on everything but health; CORS preflight and headers', async () => {
  const r = tempDir('onnxline-auth-');
  await addVersion(r.dir, 'digits', 1, digitsModel(2));
  const s = await serve(r.dir, { apiToken: 's3cret', corsOrigins: ['http://demo.test'] });
  try {
    assert.equal((await fetch(`${s.url}/v2/health/ready`)).status, 200);
    const denied = await getJson(`${s.url}/v2/models/digits`);
    assertError(denied, 401, /needs "Authorization: Bearer <token>"/);
    assert.equal(denied.headers.get('www-authenticate'), 'Bearer');
    assertError(await getJson(`${s.url}/v2`, { authorization: 'Bearer wrong' }), 401, /not valid/);
    const ok = await postJson(`${s.url}/v2/models/digits/infer`, digitsRequest(1), { authorization: 'Bearer s3cret', origin: 'http://demo.test' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'http://demo.test');
    const pre = await fetch(`${s.url}/v2/models/digits/infer`, { method: 'OPTIONS', headers: { origin: 'http://demo.test', 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 204);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const other = await fetch(`${s.url}/v2/health/live`, { headers: { origin: 'http://evil.test' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  } finally {
    await s.close();
    r.cleanup();
  }
});
