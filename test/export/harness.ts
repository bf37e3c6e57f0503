/**
 * Parity harness for the ONNX exporter: export a tfjs LayersModel, run it in tfjs (cpu backend),
 * onnxruntime-node and (optionally) onnxruntime-web, and assert the outputs agree.
 *
 * Every exported model is also written to a temp folder so one `checkOnnxModels(paths)` call can
 * run ONNX's own checker (Debian's python3-onnx, full_check=True) over all of them in one process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import * as tflRuntime from '@tensorflow/tfjs-layers';
import { seededRng } from '../../pipeline/data/rng.ts';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { decodeModel, exportLayersModel } from '../../pipeline/export/index.ts';
import type { ExportOptions, ExportResult, ExportSummary } from '../../pipeline/export/index.ts';
import { DataType } from '../../pipeline/export/graph.ts';

ortWeb.env.wasm.numThreads = 1;

let backendReady: Promise<unknown> | undefined;
/** Selects the tfjs cpu backend once (idempotent); every harness entry point awaits it. */
export function useCpuBackend(): Promise<unknown> {
  backendReady ??= tf.setBackend('cpu').then(() => tf.ready());
  return backendReady;
}

/** Deterministic PRNG: the same seed always gives the same sequence in [0, 1) (the data layer's generator). */
export function seededRandom(seed: number): () => number {
  return seededRng(seed);
}

/** Input → `layers` applied in turn → a functional model with seeded random weights. */
export function chain(name: string, inputShape: (number | null)[], layers: tfl.layers.Layer[], seed = 1): tfl.LayersModel {
  const x = tflRuntime.input({ shape: inputShape });
  let y: tfl.SymbolicTensor | tfl.SymbolicTensor[] = x;
  for (const l of layers) y = l.apply(y) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
  const model = tflRuntime.model({ inputs: x, outputs: y, name });
  randomWeights(model, seed);
  return model;
}

/** The op types of an encoded ONNX model's nodes, in graph order. */
export function opTypes(bytes: Uint8Array): string[] {
  return (decodeModel(bytes).graph.node as { op_type: string }[]).map((n) => n.op_type);
}

/**
 * Gives every weight of `model` seeded random values in [-0.5, 0.5), except BatchNormalization
 * moving variances (and any weight named `*variance*`), which get values in [0.5, 1.5) so they stay positive.
 */
export function randomWeights(model: tfl.LayersModel, seed = 1): void {
  const rand = seededRandom(seed);
  const values = model.weights.map((w) => {
    const n = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
    const data = new Float32Array(n);
    const positive = /variance/i.test(w.originalName ?? w.name);
    for (let i = 0; i < n; i++) data[i] = positive ? 0.5 + rand() : rand() - 0.5;
    return w.dtype === 'int32' ? tf.tensor(Int32Array.from(data, (v) => Math.round(v)), w.shape as number[], 'int32') : tf.tensor(data, w.shape as number[]);
  });
  model.setWeights(values);
  tf.dispose(values);
}

export interface CompareOptions {
  /** Explicit inputs (Keras layout, one per model input). Default: seeded random values. */
  inputs?: tf.Tensor[];
  /** Batch size for generated inputs (default 2). */
  batch?: number;
  /** Size used for unknown (null) non-batch dimensions, e.g. a free time axis (default 5). */
  freeDim?: number;
  /** Relative tolerance: max abs diff ≤ tolerance × max(1, max |tfjs output|). Default 1e-5. */
  tolerance?: number;
  exportOptions?: ExportOptions;
  /** Seed for generated inputs (default 7). */
  seed?: number;
  /** Name used in assertion messages and for the saved .onnx file (default: the model name). */
  label?: string;
  /**
   * Generate integer-valued inputs in [0, intMax) for these input indices (or all when `true`),
   * e.g. token ids for an Embedding fed through a float32 Input. Inputs of dtype int32 always get
   * integers. Default intMax 10.
   */
  intInputs?: boolean | number[];
  intMax?: number;
  /** Multiplies generated float inputs (default 1: values in [-1, 1)); e.g. 10 to reach relu6's clip. */
  inputScale?: number;
  /** Also run the model in onnxruntime-web (wasm, 1 thread) and compare. Default true: every exported model must load and run in both runtimes. */
  web?: boolean;
}

export interface CompareResult {
  bytes: Uint8Array;
  maxAbsDiff: number;
  /** Max abs diff of onnxruntime-web against tfjs (absent when `web: false`). */
  maxAbsDiffWeb?: number;
  summary: ExportSummary;
  result: ExportResult;
  /** Where the .onnx file was saved (also recorded for `savedModelPaths()`). */
  path: string;
}

let tempDir: string | undefined;
const saved: string[] = [];

/** The temp folder holding every .onnx file the harness saved in this process. */
export function exportTempDir(): string {
  tempDir ??= mkdtempSync(join(tmpdir(), 'onnxline-export-test-'));
  return tempDir;
}

/** Paths of every .onnx file saved by `exportAndCompare`/`saveOnnx` so far in this process. */
export function savedModelPaths(): string[] {
  return [...saved];
}

/** Saves ONNX bytes under the harness temp folder with a file name derived from `label`; returns the path. */
export function saveOnnx(bytes: Uint8Array, label: string): string {
  const base = label.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80) || 'model';
  let path = join(exportTempDir(), `${base}.onnx`);
  for (let i = 1; existsSync(path); i++) path = join(exportTempDir(), `${base}_${i}.onnx`);
  writeFileSync(path, bytes);
  saved.push(path);
  return path;
}

function concreteShape(shape: (number | null)[], batch: number, freeDim: number): number[] {
  return shape.map((d, i) => (i === 0 ? batch : d ?? freeDim));
}

function makeInputs(model: tfl.LayersModel, opts: CompareOptions): tf.Tensor[] {
  const rand = seededRandom(opts.seed ?? 7);
  const intMax = opts.intMax ?? 10;
  return model.inputs.map((input, k) => {
    const shape = concreteShape(input.shape, opts.batch ?? 2, opts.freeDim ?? 5);
    const n = shape.reduce((a, b) => a * b, 1);
    const isInt = input.dtype === 'int32' || opts.intInputs === true || (Array.isArray(opts.intInputs) && opts.intInputs.includes(k));
    const data = new Float32Array(n);
    const scale = opts.inputScale ?? 1;
    for (let i = 0; i < n; i++) data[i] = isInt ? Math.floor(rand() * intMax) : (rand() * 2 - 1) * scale;
    return input.dtype === 'int32' ? tf.tensor(Int32Array.from(data), shape, 'int32') : tf.tensor(data, shape, 'float32');
  });
}

/** Permutation taking a channels-last tensor of rank r to channels-first. */
function toChannelsFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

function toOrtTensor<T extends typeof ort.Tensor | typeof ortWeb.Tensor>(Ctor: T, t: tf.Tensor, dataType: number): InstanceType<T> {
  const dims = t.shape;
  const values = t.dataSync();
  let out: unknown;
  if (dataType === DataType.FLOAT) out = new Ctor('float32', Float32Array.from(values), dims);
  else if (dataType === DataType.INT32) out = new Ctor('int32', Int32Array.from(values), dims);
  else if (dataType === DataType.INT64) out = new Ctor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(Math.round(v)))), dims);
  else throw new Error(`harness: unsupported ONNX input data type ${dataType}`);
  return out as InstanceType<T>;
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

interface OrtLikeTensor {
  dims: readonly number[];
  data: unknown;
}

function compareOutputs(label: string, runtime: string, expected: tf.Tensor[], got: OrtLikeTensor[], names: string[], tolerance: number): number {
  let worst = 0;
  expected.forEach((exp, i) => {
    const out = got[i]!;
    assert.deepEqual([...out.dims], exp.shape, `${label}: ${runtime} output "${names[i]}" has shape [${out.dims.join(',')}], tfjs has [${exp.shape.join(',')}]`);
    const a = exp.dataSync();
    const b = out.data as ArrayLike<number | bigint>;
    let diff = 0;
    for (let j = 0; j < a.length; j++) {
      const d = Math.abs(a[j]! - Number(b[j]!));
      if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
    }
    const bound = tolerance * Math.max(1, maxAbs(a));
    assert.ok(
      diff <= bound,
      `${label}: ${runtime} output "${names[i]}" differs from tfjs by max abs ${diff.toExponential(3)} > tolerance ${tolerance} × max(1, max|tfjs|=${maxAbs(a).toExponential(3)}) = ${bound.toExponential(3)}`,
    );
    worst = Math.max(worst, diff);
  });
  return worst;
}

/**
 * Exports `model`, runs it in tfjs and onnxruntime-node on the same (seeded random or given)
 * inputs and asserts equal output shapes and max abs diff ≤ tolerance × max(1, max|tfjs|).
 * Saves the .onnx for `checkOnnxModels`. Unless `web: false`, also checks onnxruntime-web.
 */
export async function exportAndCompare(model: tfl.LayersModel, opts: CompareOptions = {}): Promise<CompareResult> {
  await useCpuBackend();
  const label = opts.label ?? model.name;
  const tolerance = opts.tolerance ?? 1e-5;
  const result = exportLayersModel(model, opts.exportOptions);
  const path = saveOnnx(result.bytes, label);

  const inputs = opts.inputs ?? makeInputs(model, opts);
  assert.equal(inputs.length, model.inputs.length, `${label}: ${inputs.length} inputs given, the model has ${model.inputs.length}`);
  const predicted = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
  const expected = Array.isArray(predicted) ? predicted : [predicted];

  const feedsFor = <T extends typeof ort.Tensor | typeof ortWeb.Tensor>(Ctor: T): Record<string, InstanceType<T>> => {
    const feeds: Record<string, InstanceType<T>> = {};
    result.io.inputs.forEach((info, i) => {
      let t = inputs[i]!;
      if (info.layout === 'channels_first') t = tf.transpose(t, toChannelsFirstPerm(t.rank));
      feeds[info.name] = toOrtTensor(Ctor, t, info.dataType);
      if (t !== inputs[i]) t.dispose();
    });
    return feeds;
  };
  const outNames = result.io.outputs.map((o) => o.name);
  assert.equal(outNames.length, expected.length, `${label}: ONNX graph has ${outNames.length} outputs, tfjs model has ${expected.length}`);

  const session = await ort.InferenceSession.create(result.bytes);
  const got = await session.run(feedsFor(ort.Tensor));
  const maxAbsDiff = compareOutputs(label, 'onnxruntime-node', expected, outNames.map((n) => got[n]!), outNames, tolerance);
  await session.release();

  let maxAbsDiffWeb: number | undefined;
  if (opts.web ?? true) {
    const webSession = await ortWeb.InferenceSession.create(result.bytes);
    const gotWeb = await webSession.run(feedsFor(ortWeb.Tensor));
    maxAbsDiffWeb = compareOutputs(label, 'onnxruntime-web', expected, outNames.map((n) => gotWeb[n]!), outNames, tolerance);
    await webSession.release();
  }

  if (!opts.inputs) tf.dispose(inputs);
  tf.dispose(expected);
  return { bytes: result.bytes, maxAbsDiff, ...(maxAbsDiffWeb !== undefined ? { maxAbsDiffWeb } : {}), summary: result.summary, result, path };
}

/**
 * Runs an export result in onnxruntime-node on Keras-layout `inputs` (transposed for NCHW inputs)
 * and returns the outputs in graph order as tfjs tensors (float32/int32). The caller disposes them.
 */
export async function runExported(result: ExportResult, inputs: tf.Tensor[]): Promise<tf.Tensor[]> {
  const feeds: Record<string, ort.Tensor> = {};
  result.io.inputs.forEach((info, i) => {
    const t = info.layout === 'channels_first' ? tf.transpose(inputs[i]!, toChannelsFirstPerm(inputs[i]!.rank)) : inputs[i]!;
    feeds[info.name] = toOrtTensor(ort.Tensor, t, info.dataType);
    if (t !== inputs[i]) t.dispose();
  });
  const session = await ort.InferenceSession.create(result.bytes);
  try {
    const got = await session.run(feeds);
    return result.io.outputs.map((o) => {
      const v = got[o.name]!;
      const data = v.data as ArrayLike<number | bigint>;
      return v.type === 'float32' ? tf.tensor(data as Float32Array, [...v.dims]) : tf.tensor(Int32Array.from(data as ArrayLike<number>, Number), [...v.dims], 'int32');
    });
  } finally {
    await session.release();
  }
}

export interface CheckResult {
  path: string;
  ok: boolean;
  error?: string;
}

const CHECKER = `
import json, sys
import onnx
for p in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(p), full_check=True)
        print(json.dumps({"path": p, "ok": True}))
    except Exception as e:
        print(json.dumps({"path": p, "ok": False, "error": str(e)[:2000]}))
    sys.stdout.flush()
`;

/**
 * Runs `onnx.checker.check_model(onnx.load(p), full_check=True)` over every path in ONE
 * /usr/bin/python3 process and returns a result per path. Throws if python or its onnx module is missing.
 */
export function checkOnnxModels(paths: string[]): CheckResult[] {
  if (paths.length === 0) return [];
  const proc = spawnSync('/usr/bin/python3', ['-c', CHECKER, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (proc.error || proc.status !== 0) {
    throw new Error(
      `could not run the ONNX checker (/usr/bin/python3 -c "import onnx"): ${proc.error?.message ?? proc.stderr.trim()}. Install python3-onnx (apt-get install python3-onnx).`,
    );
  }
  const results = proc.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as CheckResult);
  assert.equal(results.length, paths.length, `ONNX checker answered for ${results.length} of ${paths.length} files`);
  return results;
}

/** Asserts that ONNX's checker accepts every file; the message lists each rejected file and why. */
export function assertCheckerAccepts(paths: string[]): void {
  const bad = checkOnnxModels(paths).filter((r) => !r.ok);
  assert.equal(bad.length, 0, `onnx.checker rejected ${bad.length} of ${paths.length} models:\n${bad.map((b) => `  ${b.path}: ${b.error}`).join('\n')}`);
}
