/**
 * Parity between a tfjs model and its ONNX export: both run on the same real samples, and every
 * output is compared element-wise (max / mean abs diff) and by top-1 class.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

export interface OutputParity {
  name: string;
  maxAbsDiff: number;
  meanAbsDiff: number;
  /** Fraction of rows (samples, or steps of a sequence output) whose argmax agrees. */
  top1Agreement: number;
}

export interface RuntimeParity {
  runtime: string;
  outputs: OutputParity[];
  /** Accuracy of the ONNX model's first output against the labels. */
  accuracy: number;
  ms: number;
}

/** A batch of model inputs in NHWC float32, with their labels. */
export interface ParitySamples {
  x: Float32Array;
  shape: [number, number, number];
  /** True classes of the first output's rows: one per sample, or `steps` per sample for a sequence output. */
  labels: Int32Array;
  count: number;
  /** Width of each output's last axis (its classes); default: all of a sample's values form one row. */
  outputClasses?: number[];
}

type OrtModule = typeof ortNode | typeof ortWeb;

function argmaxRows(data: Float32Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (data[r * cols + c]! > data[r * cols + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** Runs the tfjs model over the samples in batches; one Float32Array per output, rows = samples. */
export function runTfjs(model: tfl.LayersModel, s: ParitySamples, batch = 128): Float32Array[] {
  const [h, w, c] = s.shape;
  const size = h * w * c;
  const outs: number[][] = model.outputs.map(() => []);
  for (let i = 0; i < s.count; i += batch) {
    const n = Math.min(batch, s.count - i);
    const res = tf.tidy(() => {
      const y = model.predict(tf.tensor4d(s.x.subarray(i * size, (i + n) * size), [n, h, w, c]));
      return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync() as Float32Array);
    });
    res.forEach((r, k) => outs[k]!.push(...r));
  }
  return outs.map((o) => Float32Array.from(o));
}

/** Runs an ONNX model with one runtime (onnxruntime-node or -web) over the samples in batches. */
export async function runOnnx(ort: OrtModule, bytes: Uint8Array, s: ParitySamples, batch = 128): Promise<{ outputs: Float32Array[]; names: string[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const [h, w, c] = s.shape;
  const size = h * w * c;
  const names = [...session.outputNames];
  const outs: number[][] = names.map(() => []);
  try {
    for (let i = 0; i < s.count; i += batch) {
      const n = Math.min(batch, s.count - i);
      const input = new ort.Tensor('float32', s.x.slice(i * size, (i + n) * size), [n, h, w, c]);
      const res = await session.run({ [session.inputNames[0]!]: input } as never);
      names.forEach((name, k) => outs[k]!.push(...(res[name]!.data as Float32Array)));
    }
  } finally {
    await session.release();
  }
  return { outputs: outs.map((o) => Float32Array.from(o)), names };
}

/** Compares one runtime's outputs with tfjs's. */
export function compareOutputs(runtime: string, names: string[], reference: Float32Array[], got: Float32Array[], s: ParitySamples, ms: number): RuntimeParity {
  const outputs = names.map((name, k) => {
    const a = reference[k]!;
    const b = got[k]!;
    if (a.length !== b.length) throw new Error(`${runtime}: output "${name}" has ${b.length} values, tfjs ${a.length}: the exported model's output shape differs`);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i]! - b[i]!);
      if (!(d <= max)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
      sum += d;
    }
    const cols = s.outputClasses?.[k] ?? a.length / s.count;
    const rows = a.length / cols;
    const ta = argmaxRows(a, rows, cols);
    const tb = argmaxRows(b, rows, cols);
    let agree = 0;
    for (let i = 0; i < rows; i++) if (ta[i] === tb[i]) agree++;
    return { name, maxAbsDiff: max, meanAbsDiff: sum / a.length, top1Agreement: agree / rows };
  });
  return { runtime, outputs, accuracy: accuracyOf(got[0]!, s), ms: Math.round(ms) };
}

/** Accuracy of a model's first output against the samples' labels (per step for a sequence output). */
export function accuracyOf(first: Float32Array, s: ParitySamples): number {
  const cols = s.outputClasses?.[0] ?? first.length / s.count;
  const rows = first.length / cols;
  if (rows !== s.labels.length) throw new Error(`the first output has ${rows} rows of ${cols} classes but there are ${s.labels.length} labels`);
  const pred = argmaxRows(first, rows, cols);
  let correct = 0;
  for (let i = 0; i < rows; i++) if (pred[i] === s.labels[i]) correct++;
  return correct / rows;
}

/** onnxruntime-web's wasm build, set up to run inside Node (one thread, no proxy worker). */
export function ortWebForNode(): typeof ortWeb {
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.wasm.proxy = false;
  return ortWeb;
}

export { ortNode };
