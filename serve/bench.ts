/**
 * `npm run bench:serve`: the server's throughput and latency with autocannon. Starts the server (in
 * a child process, so autocannon doesn't share its event loop) on the published digits model, or
 * on a random-weight digits-shaped model exported on the spot when none is published; drives v2
 * JSON, v2 binary and classify at concurrency 1, 8, 32 and 64, next to an express route that
 * returns a constant and in-process onnxruntime at batch 1; prints req/s, p50/p99 and ratios.
 *
 *   npm run bench:serve [-- --duration 3 --repository model-repository --threads 0 --only 32]
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { listVersions, publishModel } from '../pipeline/publish/publish.ts';
import { startServer } from './main.ts';

const CONCURRENCY = process.argv.includes('--only') ? [Number(process.argv[process.argv.indexOf('--only') + 1])] : [1, 8, 32, 64];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Child mode: the inference server plus a constant route on a second port; reports both URLs. */
async function child(repository: string, threads: number): Promise<void> {
  const running = await startServer({ repository, port: 0, host: '127.0.0.1', device: 'cpu', threads, pollMs: 0, log: () => undefined });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const constant = { model_name: 'digits', model_version: '1', outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [1, 10], data: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] }] };
  app.post('/const', express.raw({ type: () => true, limit: 16 * 1024 * 1024 }), (_req, res) => {
    res.json(constant);
  });
  const constServer = app.listen(0, '127.0.0.1');
  await new Promise((r) => constServer.once('listening', r));
  const port = (constServer.address() as { port: number }).port;
  process.once('SIGTERM', () => process.exit(0));
  process.send!({ url: running.url, constUrl: `http://127.0.0.1:${port}/const` });
}

/** A random-weight digits model exported to ONNX and published into a temporary repository. */
async function randomDigitsRepository(): Promise<string> {
  await import('../pipeline/tfjs/setup.ts');
  const { getRecipe } = await import('../models/index.ts');
  const { exportLayersModel } = await import('../pipeline/export/index.ts');
  const { modelMetadata } = await import('../pipeline/stages/export.ts');
  const { resolveConfig } = await import('../pipeline/runner/resolve-config.ts');
  const recipe = getRecipe('digits');
  const config = resolveConfig(recipe, { seed: 1, backend: 'cpu' });
  const model = recipe.build();
  const { bytes } = exportLayersModel(model, { metadata: modelMetadata(config) });
  model.dispose();
  const dir = mkdtempSync(join(tmpdir(), 'onnxline-bench-'));
  await publishModel({ repositoryRoot: dir, name: 'digits', bytes, report: { blessed: true } });
  return dir;
}

interface Row {
  kind: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function drive(kind: string, url: string, connections: number, duration: number, body: Buffer | string, headers: Record<string, string>): Promise<Row> {
  const r = await autocannon({ url, connections, duration, method: 'POST', headers, body: body as string, pipelining: 1 });
  return { kind, connections, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
}

function digitPixels(): Float32Array {
  const px = new Float32Array(784);
  for (let y = 5; y < 23; y++) for (let x = 12; x < 16; x++) px[y * 28 + x] = 1;
  return px;
}

/** In-process onnxruntime at batch 1: runs per second over `seconds`. */
async function ortThroughput(path: string, seconds: number): Promise<number> {
  const session = await ort.InferenceSession.create(new Uint8Array(await readFile(path)), { graphOptimizationLevel: 'all' });
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', digitPixels(), [1, 28, 28, 1]) };
  for (let i = 0; i < 20; i++) await session.run(feeds);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  while (performance.now() < end) {
    await session.run(feeds);
    n++;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  await session.release();
  return rate;
}

async function main(): Promise<void> {
  const duration = Number(arg('duration', '3'));
  let repository = resolve(arg('repository', 'model-repository'));
  let temporary: string | undefined;
  if ((await listVersions(join(repository, 'digits'))).length === 0) {
    console.log(`bench: no digits model in ${repository}; exporting a random-weight digits-shaped model`);
    temporary = repository = await randomDigitsRepository();
  }
  const version = (await listVersions(join(repository, 'digits'))).at(-1)!;
  const modelPath = join(repository, 'digits', String(version), 'model.onnx');
  console.log(`bench: digits version ${version} from ${repository}; ${duration} s per run; ${(await import('node:os')).cpus().length} CPU cores`);

  const proc = fork(new URL(import.meta.url).pathname, ['--child', repository, '--threads', arg('threads', '0')], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])], stdio: 'inherit' });
  const { url, constUrl } = await new Promise<{ url: string; constUrl: string }>((ok, fail) => {
    proc.once('message', (m) => ok(m as { url: string; constUrl: string }));
    proc.once('exit', (code) => fail(new Error(`the server exited with ${code}`)));
  });
  try {
    const pixels = digitPixels();
    const jsonBody = JSON.stringify({ inputs: [{ name: 'image', shape: [1, 28, 28, 1], datatype: 'FP32', data: Array.from(pixels) }] });
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', shape: [1, 28, 28, 1], datatype: 'FP32', parameters: { binary_data_size: pixels.byteLength } }], parameters: { binary_data_output: true } }));
    const binaryBody = Buffer.concat([header, Buffer.from(pixels.buffer)]);
    const raw = Buffer.alloc(280 * 280, 255);
    for (let y = 50; y < 230; y++) for (let x = 120; x < 160; x++) raw[y * 280 + x] = 0;
    const png = await sharp(raw, { raw: { width: 280, height: 280, channels: 1 } }).png().toBuffer();

    const kinds: [string, string, Buffer | string, Record<string, string>][] = [
      ['constant', constUrl, jsonBody, { 'content-type': 'application/json' }],
      ['v2 json', `${url}/v2/models/digits/infer`, jsonBody, { 'content-type': 'application/json' }],
      ['v2 binary', `${url}/v2/models/digits/infer`, binaryBody, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.byteLength) }],
      ['classify png', `${url}/v1/models/digits:classify`, png, { 'content-type': 'image/png' }],
    ];
    // Warm-up so the first measured run isn't the JIT's.
    for (const [kind, u, body, headers] of kinds) await drive(kind, u, 8, 1, body, headers);

    const rows: Row[] = [];
    console.log(`\n${'kind'.padEnd(14)}${'conns'.padStart(6)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`);
    for (const [kind, u, body, headers] of kinds) {
      for (const c of CONCURRENCY) {
        const row = await drive(kind, u, c, duration, body, headers);
        rows.push(row);
        console.log(`${kind.padEnd(14)}${String(c).padStart(6)}${row.rps.toFixed(0).padStart(10)}${row.p50.toFixed(1).padStart(9)}${row.p99.toFixed(1).padStart(9)}${String(row.errors).padStart(8)}`);
      }
    }
    const ortRate = await ortThroughput(modelPath, duration);
    console.log(`\nin-process onnxruntime, batch 1, one at a time: ${ortRate.toFixed(0)} runs/s`);
    const at = (kind: string, c: number) => rows.find((r) => r.kind === kind && r.connections === c)!;
    const base = at('constant', 32);
    for (const kind of ['v2 json', 'v2 binary', 'classify png']) {
      const r = at(kind, 32);
      console.log(`${kind} at 32 connections: ${((r.rps / base.rps) * 100).toFixed(0)}% of the constant route's req/s, p99 ${r.p99.toFixed(1)} ms`);
    }
    const json = at('v2 json', 32);
    const bin = at('v2 binary', 32);
    console.log(`targets: v2 json ≥ 60% (${json.rps / base.rps >= 0.6 ? 'met' : 'NOT met'}), v2 binary ≥ 80% (${bin.rps / base.rps >= 0.8 ? 'met' : 'NOT met'}), p99 ≤ 15 ms (json ${json.p99 <= 15 ? 'met' : 'NOT met'}, binary ${bin.p99 <= 15 ? 'met' : 'NOT met'})`);
  } finally {
    proc.kill('SIGTERM');
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) {
  await child(process.argv[process.argv.indexOf('--child') + 1]!, Number(arg('threads', '0')));
} else if (existsSync(new URL('../package.json', import.meta.url))) {
  await main();
}
