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
  /** Fraction of samples whose argmax agrees. */
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
  labels: Int32Array;
  count: number;
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
    const cols = a.length / s.count;
    const ta = argmaxRows(a, s.count, cols);
    const tb = argmaxRows(b, s.count, cols);
    let agree = 0;
    for (let i = 0; i < s.count; i++) if (ta[i] === tb[i]) agree++;
    return { name, maxAbsDiff: max, meanAbsDiff: sum / a.length, top1Agreement: agree / s.count };
  });
  const first = got[0]!;
  const pred = argmaxRows(first, s.count, first.length / s.count);
  let correct = 0;
  for (let i = 0; i < s.count; i++) if (pred[i] === s.labels[i]) correct++;
  return { runtime, outputs, accuracy: correct / s.count, ms: Math.round(ms) };
}

/** Accuracy of the tfjs model's first output. */
export function accuracyOf(reference: Float32Array, s: ParitySamples): number {
  const pred = argmaxRows(reference, s.count, reference.length / s.count);
  let correct = 0;
  for (let i = 0; i < s.count; i++) if (pred[i] === s.labels[i]) correct++;
  return correct / s.count;
}

/** onnxruntime-web's wasm build, set up to run inside Node (one thread, no proxy worker). */
export function ortWebForNode(): typeof ortWeb {
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.wasm.proxy = false;
  return ortWeb;
}

export { ortNode };
