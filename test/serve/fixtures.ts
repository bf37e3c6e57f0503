/**
 * Test fixtures for the server: tiny ONNX models built here with the exporter's Graph (no
 * training), temporary model repositories, and a server on 127.0.0.1 port 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, Graph, attr, encodeModel } from '../../pipeline/export/index.ts';
import { writeDirAtomic, writeFileAtomic, writeJsonAtomic } from '../../pipeline/runner/atomic.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../serve/main.ts';
import * as ort from 'onnxruntime-node';
import { uniformValues as weights } from '../../pipeline/train/seeded-random.ts';

export const DIGIT_LABELS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];


/** A digits-shaped model: image [batch,28,28,1] FP32 → softmax(flatten · W + b) → probabilities [batch,10], with onnxline metadata. */
export function digitsModel(seed = 1): Uint8Array {
  const g = new Graph();
  g.inputs.push({ name: g.reserveName('image'), dataType: DataType.FLOAT, shape: ['batch', 28, 28, 1] });
  const shape = g.addInt64('flat_shape', [-1, 784]);
  const flat = g.add('Reshape', ['image', shape]);
  const w = g.addFloat('w', [784, 10], weights(7840, seed, 0.5));
  const b = g.addFloat('b', [10], weights(10, seed + 7, 0.1));
  const logits = g.add('Add', [g.add('MatMul', [flat, w]), b]);
  g.addNode('Softmax', [logits], { axis: attr.int(-1) }, { outputs: [g.reserveName('probabilities')] });
  g.outputs.push({ name: 'probabilities', dataType: DataType.FLOAT, shape: ['batch', 10] });
  return encodeModel(g, {
    opset: 17,
    producerVersion: 'test',
    metadata: {
      'onnxline.recipe': 'digits',
      'onnxline.labels': JSON.stringify(DIGIT_LABELS),
      'onnxline.preprocessing': JSON.stringify({ size: [28, 28, 1], scale: '0..1', polarity: 'white-on-black', fit: 'mnist-center-of-mass' }),
    },
  });
}

/**
 * A model with INT64 and BOOL tensors and no onnxline metadata:
 * x INT64 [batch,3], flag BOOL [batch,3] → plus_one = x + 1 (INT64), negated = Not(flag) (BOOL), as_float = Cast(x) (FP32).
 */
export function typesModel(): Uint8Array {
  const g = new Graph();
  g.inputs.push({ name: g.reserveName('x'), dataType: DataType.INT64, shape: ['batch', 3] });
  g.inputs.push({ name: g.reserveName('flag'), dataType: DataType.BOOL, shape: ['batch', 3] });
  const one = g.addInt64('one', [1], []);
  g.addNode('Add', ['x', one], {}, { outputs: [g.reserveName('plus_one')] });
  g.addNode('Not', ['flag'], {}, { outputs: [g.reserveName('negated')] });
  g.addNode('Cast', ['x'], { to: attr.int(DataType.FLOAT) }, { outputs: [g.reserveName('as_float')] });
  g.outputs.push({ name: 'plus_one', dataType: DataType.INT64, shape: ['batch', 3] });
  g.outputs.push({ name: 'negated', dataType: DataType.BOOL, shape: ['batch', 3] });
  g.outputs.push({ name: 'as_float', dataType: DataType.FLOAT, shape: ['batch', 3] });
  return encodeModel(g, { opset: 17, producerVersion: 'test' });
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `<root>/<name>/<version>/model.onnx` atomically (the folder appears complete). */
export async function addVersion(root: string, name: string, version: number, bytes: Uint8Array): Promise<void> {
  await writeDirAtomic(join(root, name, String(version)), (tmp) => writeFileAtomic(join(tmp, 'model.onnx'), bytes));
}

/** Writes a model's config.json. */
export async function writeConfig(root: string, name: string, config: Record<string, unknown>): Promise<void> {
  await writeJsonAtomic(join(root, name, 'config.json'), config);
}

export interface TestServer extends RunningServer {
  logs: string[];
}

/** Starts the real server on 127.0.0.1:0 over `repository` (no polling unless asked). */
export async function serve(repository: string, opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const running = await startServer({ repository, port: 0, host: '127.0.0.1', device: 'cpu', threads: 1, pollMs: 0, apiToken: '', staticDir: join(repository, '.no-static-site'), log: (l) => logs.push(l), ...opts });
  return Object.assign(running, { logs });
}

/** POSTs JSON and returns status, parsed body and headers. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** GETs and returns status and parsed JSON (or undefined for an empty body). */
export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** A v2 request for `rows` digit images filled from `seed`. */
export function digitsRequest(rows: number, seed = 3): { inputs: { name: string; shape: number[]; datatype: string; data: number[] }[] } {
  const data = Array.from(weights(rows * 784, seed, 1), (v) => Math.abs(v));
  return { inputs: [{ name: 'image', shape: [rows, 28, 28, 1], datatype: 'FP32', data }] };
}

/** An in-process onnxruntime session on `bytes` that answers a digitsRequest directly: the unbatched reference. */
export async function referenceDigits(bytes: Uint8Array): Promise<{ run(req: ReturnType<typeof digitsRequest>): Promise<Float32Array>; release(): Promise<void> }> {
  const session = await ort.InferenceSession.create(bytes);
  return {
    async run(req) {
      const i = req.inputs[0]!;
      const out = await session.run({ image: new ort.Tensor('float32', Float32Array.from(i.data), i.shape) });
      return out.probabilities!.data as Float32Array;
    },
    release: () => session.release(),
  };
}
