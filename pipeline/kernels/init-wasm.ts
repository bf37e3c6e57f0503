/**
 * One call that makes tfjs's wasm backend the active, training-capable backend, optionally with
 * XNNPACK running on several threads under Node.
 *
 * Why threads need help: tfjs-backend-wasm reports no multithread support under Node (its flag
 * returns false there), its threaded build hands emscripten blob: URLs that Node's
 * worker_threads cannot load, and its C++ caps the pool at (logical cores / 2) — 1 thread on a
 * 2-core machine. With `threads > 1` this module turns the flag on, points the pthread workers at
 * wasm-pthread-worker.cjs (which runs the package's own worker script), and during
 * initialisation only reports enough logical cores for the requested count. Any failure falls
 * back to the single-threaded SIMD build.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './register-wasm.ts';
import { disableNative, nativeUnavailable, resetNative, setNativeThreads } from './native/ort-sync.ts';

export interface WasmTrainingBackendOptions {
  /** XNNPACK threads (default 1). Values > 1 load the threaded SIMD build through worker_threads. */
  threads?: number;
  /** Passed to registerWasmTrainingKernels (default true). */
  accelerate?: boolean;
  /**
   * Run large convolutions and matrix products on onnxruntime-node's native kernels
   * (native/ort-sync.ts) when it loads (default true).
   */
  native?: boolean;
  /** Threads of the native kernels (default: `threads`). */
  nativeThreads?: number;
}

export interface WasmTrainingBackendInfo {
  /** Threads XNNPACK actually uses. */
  threads: number;
  simd: boolean;
  /** Which binary tfjs loaded. */
  binary: 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';
  /** Kernels onnxline registered or replaced. */
  kernels: string[];
  /** Why a request for threads was not honoured, if it was not. */
  note?: string;
  /** Native kernels (onnxruntime MLAS): their thread count, or why they are not used. */
  native: { threads: number } | { unavailable: string };
}

interface PThreadPool {
  runningWorkers?: { unref?: () => void }[];
  unusedWorkers?: { unref?: () => void }[];
}

/**
 * XNNPACK's pool threads live for the whole process and emscripten keeps their workers ref'd,
 * which would stop Node from exiting when the program is done; they hold no work of their own
 * between kernel calls, so let them go with the process.
 */
function unrefWorkers(pool: PThreadPool): void {
  for (const w of [...(pool.runningWorkers ?? []), ...(pool.unusedWorkers ?? [])]) w.unref?.();
}

const WORKER_FILE = fileURLToPath(new URL('./wasm-pthread-worker.cjs', import.meta.url));

async function setBackendThreaded(threads: number): Promise<boolean> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const createObjectURL = URL.createObjectURL;
  const mutableOs = os as { cpus: typeof os.cpus };
  const cpus = mutableOs.cpus;
  URL.createObjectURL = ((obj: Blob) => (obj instanceof Blob && obj.type === 'application/javascript' ? WORKER_FILE : createObjectURL(obj))) as typeof URL.createObjectURL;
  // tfjs's C++ uses emscripten_num_logical_cores()/2 as its ceiling; under Node that is os.cpus().length.
  mutableOs.cpus = () => {
    const real = cpus();
    return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]!);
  };
  try {
    return await tf.setBackend('wasm');
  } finally {
    URL.createObjectURL = createObjectURL;
    mutableOs.cpus = cpus;
  }
}

/**
 * Initialises the wasm backend (threaded if asked and possible), makes it tfjs's active
 * backend, registers onnxline's training kernels, and says what it got. Must run before anything
 * else initialises the wasm backend for the thread count to take effect; if wasm is already
 * initialised it is reused as it is. Throws only if wasm cannot start at all.
 */
export async function initWasmTrainingBackend(options: WasmTrainingBackendOptions = {}): Promise<WasmTrainingBackendInfo> {
  const requested = Math.max(1, Math.floor(options.threads ?? 1));
  if (options.native !== false) resetNative(); // forget an earlier call's native: false
  const nativeWhy = options.native === false ? 'turned off' : nativeUnavailable();
  const nativeThreads = Math.max(1, Math.floor(options.nativeThreads ?? requested));
  if (nativeWhy === null) setNativeThreads(nativeThreads);
  else disableNative(nativeWhy);
  let note: string | undefined;
  const alreadyUp = tf.engine().registry.wasm !== undefined;
  let ok = false;
  if (requested > 1 && !alreadyUp) {
    try {
      ok = await setBackendThreaded(requested);
      if (!ok) note = 'threaded wasm build did not initialise; using the single-threaded build';
    } catch (err) {
      note = `threaded wasm build failed (${(err as Error).message}); using the single-threaded build`;
    }
    if (!ok) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasm.setThreadsCount(1);
    }
  } else if (requested > 1) {
    note = 'wasm backend was already initialised; thread count unchanged';
  }
  if (!ok && !(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not initialise');
  const kernels = registerWasmTrainingKernels({ accelerate: options.accelerate ?? true });
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const module = (tf.backend() as unknown as wasm.BackendWasm).wasm as unknown as { PThread?: PThreadPool };
  const threaded = module.PThread !== undefined;
  if (module.PThread) unrefWorkers(module.PThread);
  const threads = wasm.getThreadsCount();
  if (requested > 1 && threads < requested && !note) note = `asked for ${requested} threads, XNNPACK uses ${threads}`;
  const binary = threaded ? 'tfjs-backend-wasm-threaded-simd.wasm' : simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  const native = nativeWhy === null ? { threads: nativeThreads } : { unavailable: nativeWhy };
  return { threads, simd, binary, kernels, ...(note ? { note } : {}), native };
}
