/**
 * Dynamic batching: concurrent requests run as fewer executions, each request gets exactly its
 * own rows (equal to running it alone), a full queue answers 503, and a request that waits too
 * long times out with 503.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addVersion, digitsModel, digitsRequest, getJson, postJson, referenceDigits, serve, tempDir, writeConfig, type TestServer } from './fixtures.ts';

let server: TestServer;
let repo: ReturnType<typeof tempDir>;
let reference: Awaited<ReturnType<typeof referenceDigits>>;

before(async () => {
  repo = tempDir('onnxline-batching-');
  await addVersion(repo.dir, 'digits', 1, digitsModel(4));
  await writeConfig(repo.dir, 'digits', { max_batch_size: 16, dynamic_batching: { max_queue_delay_microseconds: 30_000, max_queue_size: 100 } });
  await addVersion(repo.dir, 'slow', 1, digitsModel(4));
  await writeConfig(repo.dir, 'slow', { max_batch_size: 64, dynamic_batching: { max_queue_delay_microseconds: 300_000, max_queue_size: 2 } });
  server = await serve(repo.dir);
  reference = await referenceDigits(digitsModel(4));
});

after(async () => {
  await server?.close();
  await reference?.release();
  repo?.cleanup();
});


async function executions(model: string): Promise<{ inference: number; execution: number }> {
  const { body } = await getJson(`${server.url}/v2/models/${model}/stats`);
  return { inference: body.model_stats[0].inference_count, execution: body.model_stats[0].execution_count };
}

test('concurrent requests run in fewer executions, and each gets exactly its own rows', async () => {
  const before = await executions('digits');
  const rows = [1, 2, 3, 1, 2, 1, 1, 3, 2, 1, 1, 1, 2, 1, 3, 1, 1, 2, 1, 1];
  const requests = rows.map((r, i) => ({ id: `r${i}`, ...digitsRequest(r, 100 + i) }));
  const responses = await Promise.all(requests.map((r) => postJson(`${server.url}/v2/models/digits/infer`, r)));
  for (const [i, res] of responses.entries()) {
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.id, `r${i}`);
    assert.deepEqual(res.body.outputs[0].shape, [rows[i], 10]);
    const expected = await reference.run(requests[i]!);
    res.body.outputs[0].data.forEach((v: number, j: number) => assert.ok(Math.abs(v - expected[j]!) < 1e-6, `request ${i} element ${j}: ${v} vs ${expected[j]} (unbatched)`));
  }
  const after = await executions('digits');
  const totalRows = rows.reduce((a, b) => a + b, 0);
  assert.equal(after.inference - before.inference, totalRows, 'inference_count counts rows');
  const runs = after.execution - before.execution;
  assert.ok(runs < requests.length, `${requests.length} requests ran in ${runs} executions`);
  assert.ok(runs >= Math.ceil(totalRows / 16), 'no execution exceeds max_batch_size');
  const { body } = await getJson(`${server.url}/v2/models/digits/stats`);
  assert.ok(body.model_stats[0].batch_stats.every((b: { batch_size: number }) => b.batch_size <= 16));
  assert.ok(body.model_stats[0].batch_stats.some((b: { batch_size: number }) => b.batch_size > 3), 'some execution merged requests');
});

test('a full queue answers 503 {"error"} and the queued requests still succeed', async () => {
  const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => postJson(`${server.url}/v2/models/slow/infer`, digitsRequest(1, i))));
  const ok = responses.filter((r) => r.status === 200);
  const full = responses.filter((r) => r.status === 503);
  assert.equal(ok.length, 2, 'max_queue_size 2: two requests wait for the batch');
  assert.equal(full.length, 4);
  for (const r of full) assert.match(r.body.error, /model "slow" version 1: the request queue is full \(2 waiting\)/);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /onnxline_requests_total\{model="slow",version="1",outcome="failure",reason="queue_full"\} 4/);
});

test('a request that waits longer than the per-request timeout gets 503', async () => {
  const s = await serve(repo.dir, { timeoutMs: 50 });
  try {
    const t0 = performance.now();
    const res = await postJson(`${s.url}/v2/models/slow/infer`, digitsRequest(1));
    assert.equal(res.status, 503);
    assert.match(res.body.error, /timed out after 50 ms/);
    assert.ok(performance.now() - t0 < 280, 'answered at the timeout, before the 300 ms queue delay');
  } finally {
    await s.close();
  }
});
