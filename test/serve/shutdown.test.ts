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
  // Requests wait 300 ms for a batch: they are surely in flight when the server is told to stop.
  await writeConfig(repo.dir, 'digits', { max_batch_size: 64, dynamic_batching: { max_queue_delay_microseconds: 300_000, max_queue_size: 64 } });
  return repo;
}

test('close(): readiness false at once, in-flight requests finish', async () => {
  const repo = await slowRepo();
  const server = await serve(repo.dir);
  try {
    const inflight = Array.from({ length: 4 }, (_, i) => postJson(`${server.url}/v2/models/digits/infer`, digitsRequest(1, i)));
    await new Promise((r) => setTimeout(r, 100));
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
    await new Promise((r) => setTimeout(r, 100));
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
