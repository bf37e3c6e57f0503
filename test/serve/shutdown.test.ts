/**
 * Graceful shutdown: readiness goes false at once, requests in flight finish with 200, and the
 * `onnxline serve` process exits 0 on SIGTERM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { addVersion, digitsModel, digitsRequest, postJson, serve, tempDir, writeConfig } from './fixtures.ts';

const BIN = new URL('../../pipeline/bin/onnxline.js', import.meta.url).pathname;

async function slowRepo(): Promise<ReturnType<typeof tempDir>> {
  const repo = tempDir('onnxline-shutdown-');
  await addVersion(repo.dir, 'digits', 1, digitsModel(3));
  // Requests wait up to 1 s for a batch, so all of them are queued together before the server is told to stop.
  await writeConfig(repo.dir, 'digits', { max_batch_size: 64, dynamic_batching: { max_queue_delay_microseconds: 1_000_000, max_queue_size: 64 } });
  return repo;
}

/** Resolves once the server at `url` reports `n` digits requests queued or executing (its /metrics gauge); throws after 5 s. */
async function untilPending(url: string, n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  let last = '';
  while (Date.now() < deadline) {
    const text = await (await fetch(`${url}/metrics`)).text();
    last = /^onnxline_pending_requests\{model="digits"\} (\d+)/m.exec(text)?.[1] ?? 'none';
    if (Number(last) >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the server never had ${n} requests in flight (last pending count: ${last})`);
}

test('close(): readiness false at once, in-flight requests finish', async () => {
  const repo = await slowRepo();
  const server = await serve(repo.dir);
  try {
    const inflight = Array.from({ length: 4 }, (_, i) => postJson(`${server.url}/v2/models/digits/infer`, digitsRequest(1, i)));
    await untilPending(server.url, 4);
    const closing = server.close();
    assert.equal(server.manager.ready, false, 'not ready as soon as shutdown begins');
    const results = await Promise.all(inflight);
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200]);
    await closing;
    await assert.rejects(fetch(`${server.url}/v2/health/live`), 'no longer listening');
  } finally {
    repo.cleanup();
  }
});

test('onnxline serve exits 0 on SIGTERM after its in-flight requests finish', async () => {
  const repo = await slowRepo();
  const child = spawn(process.execPath, [BIN, 'serve', '--repository', repo.dir, '--port', '0', '--device', 'cpu', '--poll-ms', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
      const check = () => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', check);
      void exited.then(() => reject(new Error(`server exited early:\n${out}`)));
    });
    const inflight = Array.from({ length: 3 }, (_, i) => postJson(`${url}/v2/models/digits/infer`, digitsRequest(1, i)));
    await untilPending(url, 3);
    child.kill('SIGTERM');
    const results = await Promise.all(inflight);
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200]);
    assert.equal(await exited, 0, out);
    assert.match(out, /SIGTERM received; not ready any more/);
  } finally {
    child.kill('SIGKILL');
    repo.cleanup();
  }
});
