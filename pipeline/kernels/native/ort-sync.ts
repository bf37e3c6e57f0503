/**
 * Synchronous calls into onnxruntime-node's native CPU kernels (MLAS: AVX2/AVX-512 FMA,
 * multi-threaded) for tfjs kernels, which must return synchronously.
 *
 * onnxruntime-node is already a dependency (the server runs on it) and ships prebuilt binaries on
 * npm, so this needs nothing that tfjs-node's libtensorflow download needs. Its native binding's
 * `run` is synchronous (the public API only wraps it in a Promise). Each operation is a tiny ONNX
 * graph compiled once per distinct shape and cached: training repeats the same shapes every step.
 * Inputs in ordinary memory are passed as views (no copy); inputs in shared memory (the threaded
 * wasm heap, which the binding refuses) are copied into reused buffers; outputs are copied into
 * the caller's memory.
 *
 * Off with ONNXLINE_NATIVE=0; unavailable (with the reason) when onnxruntime-node cannot load on
 * this platform, in which case callers keep their wasm path.
 */
import { createRequire } from 'node:module';
import type { Graph } from '../../export/graph.ts';
import { encodeModel } from '../../export/encode.ts';

interface OrtTensor {
  data: Float32Array;
}
interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, OrtTensor>, fetches: Record<string, null>, options: object): Record<string, OrtTensor>;
  dispose(): void;
}
interface Native {
  binding: { InferenceSession: new () => NativeSession };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => OrtTensor;
}

/** A compiled single-purpose graph and the shapes of its float32 inputs, by name. */
export interface NativeOp {
  session: NativeSession;
  inputs: Record<string, number[]>;
}

let native: Native | string | undefined;
let threads = 1;
let calls = 0;
/** Compiled operations, least recently used first; at most MAX_OPS are kept. */
const ops = new Map<string, NativeOp>();
const MAX_OPS = 64;
/** Operations onnxruntime refused to compile or run: their callers stay on wasm. */
const failed = new Set<string>();
const scratch = new Map<string, Float32Array>();

function clearOps(): void {
  for (const op of ops.values()) op.session.dispose();
  ops.clear();
  failed.clear();
}

function load(): Native | string {
  if (native !== undefined) return native;
  if (process.env.ONNXLINE_NATIVE === '0') return (native = 'turned off by ONNXLINE_NATIVE=0');
  try {
    const require = createRequire(import.meta.url);
    const { binding, initOrt } = require('onnxruntime-node/dist/binding.js') as { binding: Native['binding'] & { InferenceSession: unknown }; initOrt: () => void };
    const { Tensor } = require('onnxruntime-node') as { Tensor: Native['Tensor'] };
    initOrt();
    const proto = (binding?.InferenceSession as { prototype?: Partial<NativeSession> } | undefined)?.prototype;
    if (typeof proto?.loadModel !== 'function' || typeof proto.run !== 'function') {
      return (native = "this onnxruntime-node's native binding has no synchronous InferenceSession (loadModel/run); native kernels need onnxruntime-node 1.30");
    }
    native = { binding, Tensor };
  } catch (err) {
    native = `onnxruntime-node could not load: ${(err as Error).message.split('\n')[0]}`;
  }
  return native;
}

/** Null when native kernels can run here; otherwise why not (one line). */
export function nativeUnavailable(): string | null {
  const n = load();
  return typeof n === 'string' ? n : null;
}

/** Turns native kernels off for this process (callers keep their wasm path); `why` is what {@link nativeUnavailable} then says. */
export function disableNative(why: string): void {
  native = why;
  clearOps();
}

/** Forgets a {@link disableNative}: the next call loads onnxruntime-node again (honouring ONNXLINE_NATIVE). */
export function resetNative(): void {
  native = undefined;
  clearOps();
}

/** How many native calls ran in this process, and how many compiled operations are cached. */
export function nativeStats(): { calls: number; compiled: number } {
  return { calls, compiled: ops.size };
}

/** Sets the intra-op threads of operations compiled from now on. */
export function setNativeThreads(n: number): void {
  const next = Math.max(1, Math.floor(n));
  if (next !== threads) clearOps();
  threads = next;
}

/**
 * A reused ordinary buffer of `n` floats under `name`, for a kernel to build an operand in that
 * {@link runNative} then reads without a copy. Valid until the next request for the same name.
 */
export function nativeScratch(name: string, n: number): Float32Array {
  let s = scratch.get(name);
  if (!s || s.length < n) {
    s = new Float32Array(Math.max(n, Math.ceil((s?.length ?? 0) * 1.5)));
    scratch.set(name, s);
  }
  return s.subarray(0, n);
}

function compile(nat: Native, key: string, build: () => { graph: Graph; inputs: Record<string, number[]> }): NativeOp {
  const cached = ops.get(key);
  if (cached) {
    ops.delete(key); // re-insert: most recently used last
    ops.set(key, cached);
    return cached;
  }
  const { graph, inputs } = build();
  const bytes = encodeModel(graph, { opset: 17, producerVersion: 'onnxline-kernels' });
  const session = new nat.binding.InferenceSession();
  session.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
    // The wasm backend's own threads run between our calls: do not let ORT's pool spin on the cores.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const op = { session, inputs };
  ops.set(key, op);
  if (ops.size > MAX_OPS) {
    const [oldestKey, oldest] = ops.entries().next().value as [string, NativeOp];
    oldest.session.dispose();
    ops.delete(oldestKey);
  }
  return op;
}

/**
 * Runs the operation cached under `key` (compiled from `build()` the first time) on `feeds` and
 * copies its single output `y` into `out`. Returns false — and the caller keeps its wasm path —
 * when native kernels are unavailable or onnxruntime refuses this operation (said once on stderr,
 * then remembered). Throws only for a caller's mistake: an input shorter than its shape, or `out`
 * not the output's size.
 */
export function runNative(key: string, build: () => { graph: Graph; inputs: Record<string, number[]> }, feeds: Record<string, Float32Array>, out: Float32Array): boolean {
  const nat = load();
  if (typeof nat === 'string' || failed.has(key)) return false;
  let op: NativeOp;
  const tensors: Record<string, OrtTensor> = {};
  let y: Float32Array;
  try {
    op = compile(nat, key, build);
  } catch (err) {
    return refuse(key, err);
  }
  for (const [name, shape] of Object.entries(op.inputs)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = feeds[name];
    if (!data || data.length < n) throw new Error(`native op: input "${name}" has ${data?.length ?? 0} values, [${shape.join('×')}] needs ${n}`);
    let view = data.subarray(0, n);
    if (view.buffer instanceof SharedArrayBuffer) {
      const copy = nativeScratch(`input:${name}`, n);
      copy.set(view);
      view = copy;
    }
    tensors[name] = new nat.Tensor('float32', view, shape);
  }
  try {
    y = op.session.run(tensors, { y: null }, {}).y!.data;
  } catch (err) {
    return refuse(key, err);
  }
  if (y.length !== out.length) throw new Error(`native op: output has ${y.length} values, the destination ${out.length}`);
  out.set(y);
  calls++;
  return true;
}

function refuse(key: string, err: unknown): false {
  failed.add(key);
  process.stderr.write(`onnxline: native kernel ${key} failed, using wasm for it: ${(err as Error).message.split('\n')[0]}\n`);
  return false;
}
