/**
 * Hot reload under load: a new version appearing in the repository is loaded, warmed and switched
 * in with zero failed requests; a broken newer version is logged and reported while the old one
 * keeps serving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { addVersion, digitsModel, digitsRequest, getJson, postJson, serve, tempDir } from './fixtures.ts';

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('hot swap under load: zero failed requests, new version served, broken version rejected', async () => {
  const repo = tempDir('onnxline-reload-');
  await addVersion(repo.dir, 'digits', 1, digitsModel(1));
  const server = await serve(repo.dir, { pollMs: 100 });
  const statuses: number[] = [];
  const versions: string[] = [];
  const failures: string[] = [];
  let stop = false;
  const worker = async (w: number) => {
    for (let i = 0; !stop && i < 2000; i++) {
      const res = await postJson(`${server.url}/v2/models/digits/infer`, digitsRequest(1 + (i % 2), w * 1000 + i));
      statuses.push(res.status);
      if (res.status === 200) versions.push(res.body.model_version);
      else failures.push(JSON.stringify(res.body));
    }
  };
  try {
    const load = Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
    await until('traffic on version 1', () => versions.length > 20);
    await addVersion(repo.dir, 'digits', 2, digitsModel(2));
    await until('version 2 answering', () => versions.includes('2'));
    const at = versions.length;
    await until('more traffic on version 2', () => versions.length > at + 20);
    // A broken version 3: garbage bytes where a model should be.
    await mkdir(join(repo.dir, 'digits', '3'), { recursive: true });
    await writeFile(join(repo.dir, 'digits', '3', 'model.onnx'), 'this is not an ONNX model');
    await until('version 3 to fail', () => server.logs.some((l) => /digits version 3 failed to load/.test(l)));
    const at3 = versions.length;
    await until('traffic after the failure', () => versions.length > at3 + 20);
    stop = true;
    await load;

    assert.deepEqual(failures, [], 'no request failed during the swaps');
    assert.ok(statuses.length > 60 && statuses.every((s) => s === 200));
    assert.ok(versions.includes('1') && versions.includes('2'));
    assert.ok(!versions.includes('3'));
    assert.equal(versions.lastIndexOf('1') < versions.indexOf('2') + 50, true, 'version 1 stops answering soon after the swap');
    assert.ok(server.logs.some((l) => /version 3 failed to load: .*version 2 keeps serving/.test(l)), server.logs.join('\n'));
    assert.ok(server.logs.some((l) => /digits version 2 loaded on cpu .*replaces version 1/.test(l)));

    const meta = await getJson(`${server.url}/v2/models/digits`);
    assert.deepEqual(meta.body.versions, ['2']);
    const index = await postJson(`${server.url}/v2/repository/index`, {});
    const v3 = index.body.find((e: { version?: string }) => e.version === '3');
    assert.equal(v3.state, 'UNAVAILABLE');
    assert.match(v3.reason, /onnxruntime cannot load this model/);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /onnxline_model_load_failures_total\{model="digits",version="3"\} 1/);
    assert.match(metrics, /onnxline_model_loaded\{model="digits",version="2",execution_provider="cpu"\} 1/);
    assert.doesNotMatch(metrics, /onnxline_model_loaded\{model="digits",version="1"/, 'version 1 was unloaded');
    const stats = await getJson(`${server.url}/v2/models/digits/versions/1/stats`);
    assert.deepEqual(stats.body.model_stats, []);
  } finally {
    stop = true;
    await server.close();
    repo.cleanup();
  }
});
