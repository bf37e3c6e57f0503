/**
 * Shared helpers for the JS-side kernels that onnxline registers into tfjs's wasm backend.
 *
 * Kernels here run inside the wasm backend: their tensors live on the wasm heap (reached through
 * views of the heap like `backend.typedArrayFromHeap`), and they compose the backend's own C++/XNNPACK kernels by
 * calling the registered kernelFuncs directly, the way tfjs-backend-wasm's kernels call each
 * other. Every intermediate they create is disposed before they return.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type { BackendWasm };
export type Attrs = tf.NamedAttrMap;
export type Inputs = tf.NamedTensorInfoMap;

/** The shape of the arguments every kernelFunc receives, with the backend narrowed to wasm. */
export interface WasmKernelArgs {
  inputs: Inputs;
  backend: BackendWasm;
  attrs?: Attrs;
}

const savedKernels = new Map<string, tf.KernelFunc>();

/**
 * Remembers the kernelFunc wasm had for `kernelName` before onnxline replaced it, so a
 * replacement can delegate to the original. Returns the saved function.
 */
export function saveOriginalKernel(kernelName: string): tf.KernelFunc {
  const existing = savedKernels.get(kernelName);
  if (existing) return existing;
  const config = tf.getKernel(kernelName, 'wasm');
  if (!config) throw new Error(`wasm backend has no '${kernelName}' kernel to wrap`);
  savedKernels.set(kernelName, config.kernelFunc);
  return config.kernelFunc;
}

/** The kernelFunc wasm had for `kernelName` before onnxline replaced it, if it did. */
export function originalKernel(kernelName: string): tf.KernelFunc | undefined {
  return savedKernels.get(kernelName);
}

/**
 * Runs the kernel wasm had for `kernelName` before onnxline replaced it — the fallback of a
 * replacement for the cases it does not take. Throws if the original was not saved.
 */
export function runOriginal(kernelName: string, args: { backend: BackendWasm; inputs: Inputs; attrs?: Attrs }): tf.TensorInfo {
  if (!originalKernel(kernelName)) throw new Error(`${kernelName} (wasm): the original wasm kernel was not saved`);
  return runWasm(kernelName, args.backend, args.inputs, args.attrs);
}

/**
 * Runs a wasm kernel by name on TensorInfos of the same backend (the original one if onnxline
 * wrapped it). Throws if the kernel is missing or returns several outputs.
 */
export function runWasm(kernelName: string, backend: BackendWasm, inputs: Inputs, attrs: Attrs = {}): tf.TensorInfo {
  const func = savedKernels.get(kernelName) ?? tf.getKernel(kernelName, 'wasm')?.kernelFunc;
  if (!func) throw new Error(`wasm backend has no '${kernelName}' kernel`);
  const out = func({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`kernel '${kernelName}' returned ${out.length} outputs, expected one`);
  return out;
}

/**
 * The wasm heap's current buffer. In the threaded build the heap is a growable shared memory and
 * `HEAPU8` is refreshed lazily after growth, so the Memory object is asked first.
 */
function heapBuffer(backend: BackendWasm): ArrayBufferLike {
  const memory = (backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory }).wasmMemory;
  return memory ? memory.buffer : (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
}

function view<T>(backend: BackendWasm, t: tf.TensorInfo, make: (buf: ArrayBufferLike, offset: number, n: number) => T): T {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error('tensor is not on the wasm backend');
  return make(heapBuffer(backend), data.memoryOffset, tf.util.sizeFromShape(t.shape));
}

/** A float32 view of a wasm tensor's heap memory. Re-take it after any allocation (the heap may grow). */
export function f32(backend: BackendWasm, t: tf.TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${t.dtype}`);
  return view(backend, t, (b, o, n) => new Float32Array(b, o, n));
}

/** An int32 view of a wasm tensor's heap memory (int32 tensors only). */
export function i32(backend: BackendWasm, t: tf.TensorInfo): Int32Array {
  if (t.dtype !== 'int32') throw new Error(`expected an int32 tensor, got ${t.dtype}`);
  return view(backend, t, (b, o, n) => new Int32Array(b, o, n));
}

/** Float32/Int32/Uint8 (bool) view of a numeric wasm tensor's heap memory; null for other dtypes (string, complex64). */
export function numericView(backend: BackendWasm, t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array | null {
  switch (t.dtype) {
    case 'float32':
      return view(backend, t, (b, o, n) => new Float32Array(b, o, n));
    case 'int32':
      return view(backend, t, (b, o, n) => new Int32Array(b, o, n));
    case 'bool':
      return view(backend, t, (b, o, n) => new Uint8Array(b, o, n));
    default:
      return null;
  }
}

/** A TensorInfo sharing `t`'s memory with another shape of the same size (refcounted like wasm's Reshape). */
export function reshapeInfo(backend: BackendWasm, t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  if (tf.util.sizeFromShape(shape) !== tf.util.sizeFromShape(t.shape)) {
    throw new Error(`cannot view shape [${t.shape}] as [${shape}]`);
  }
  backend.incRef(t.dataId);
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** Frees intermediates made inside a kernel. */
export function dispose(backend: BackendWasm, ...infos: tf.TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/** Attribute helper: a scalar-or-pair value as a [h, w] pair. */
export function pair(v: number | number[] | undefined, dflt = 1): [number, number] {
  if (v == null) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  if (v.length === 1) return [v[0], v[0]];
  return [v[0], v[1]];
}

/**
 * A replacement for tfjs's (global, all-backend) gradient of `kernelName` that keeps the original:
 * `original()` is what to fall back to (and what tests compare with), `register()` installs the
 * replacement idempotently (false when tfjs has no gradient to fall back to), `unregister()` restores.
 */
export function gradientOverride(kernelName: string, replacement: () => tf.GradConfig): {
  original(): tf.GradConfig | undefined;
  register(): boolean;
  unregister(): void;
} {
  let saved: tf.GradConfig | undefined;
  return {
    original: () => saved ?? tf.getGradient(kernelName),
    register() {
      const ours = replacement();
      const current = tf.getGradient(kernelName);
      if (current === ours) return true;
      if (!current) return false;
      saved = current;
      tf.registerGradient(ours);
      return true;
    },
    unregister() {
      if (saved && tf.getGradient(kernelName) === replacement()) tf.registerGradient(saved);
    },
  };
}
