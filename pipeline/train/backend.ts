/**
 * Training backend selection: tfjs-node-gpu (CUDA present) → tfjs-node → webgpu (a hardware
 * adapter through the optional `webgpu` package) → wasm → cpu, or the one forced with --backend.
 * Every step skipped says why in one line.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '../tfjs/setup.ts';
import { describeAdapter, probeAdapter, type AdapterInfo } from '../gpu/webgpu.ts';

export const BACKEND_CHOICES = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface SelectedBackend {
  /** What onnxline calls it: one of BACKEND_CHOICES minus 'auto'. */
  name: Exclude<BackendChoice, 'auto'>;
  /** tfjs's own backend name (tensorflow, wasm, cpu). */
  tfBackend: string;
  /** Human detail: versions, threads, SIMD. */
  detail: string;
  /** One line per candidate that was skipped, with the reason. */
  skipped: string[];
  /** The WebGPU adapter trained on (webgpu only). */
  adapter?: AdapterInfo;
}

/** The order `--backend auto` tries. */
export const AUTO_ORDER: readonly Exclude<BackendChoice, 'auto'>[] = ['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu'];

/** True when a CUDA driver is visible on this machine (the precondition for tfjs-node-gpu). */
export function cudaDriverPresent(): boolean {
  return existsSync('/proc/driver/nvidia/version') || existsSync('/dev/nvidiactl');
}

async function tryNative(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<string | null> {
  try {
    await import(pkg);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') {
      return `${pkg} is not installed (optional dependency: its install downloads libtensorflow, which failed or was skipped)`;
    }
    return `${pkg} failed to load: ${e.message.split('\n')[0]}`;
  }
  if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but the "tensorflow" backend did not initialise`;
  return null;
}

/** A thread count from the environment variable `name`, else one per available core (at most 8). */
function threadsFromEnv(name: string): number {
  const env = Number(process.env[name]);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** XNNPACK threads for the wasm backend: ONNXLINE_WASM_THREADS, else one per available core (at most 8). */
export function wasmThreads(): number {
  return threadsFromEnv('ONNXLINE_WASM_THREADS');
}

/** Threads of the native kernels the wasm backend hands large convolutions to: ONNXLINE_NATIVE_THREADS, else one per core (at most 8). */
export function nativeThreads(): number {
  return threadsFromEnv('ONNXLINE_NATIVE_THREADS');
}

async function initWasm(): Promise<string> {
  const { initWasmTrainingBackend } = await import('../kernels/init-wasm.ts');
  const info = await initWasmTrainingBackend({ threads: wasmThreads(), nativeThreads: nativeThreads() });
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const native = 'threads' in info.native ? `native conv/GEMM kernels (onnxruntime MLAS) on ${info.native.threads} thread(s)` : `no native kernels (${info.native.unavailable})`;
  return `tfjs-backend-wasm ${wasm.version_wasm} (${info.binary}), SIMD ${info.simd ? 'on' : 'off'}, ${info.threads} wasm thread(s), ${native}, ${info.kernels.length} onnxline training kernels${info.note ? ` — ${info.note}` : ''}`;
}

/**
 * Starts tfjs-backend-webgpu on the adapter Dawn finds. With `allowSoftware` false a software
 * adapter is refused. Resolves with the adapter, or with why it can't be used (never throws).
 */
async function initWebgpu(allowSoftware: boolean): Promise<{ adapter: AdapterInfo } | { why: string }> {
  const probe = await probeAdapter();
  if (probe.status !== 'found') return { why: probe.reason };
  if (probe.adapter.software && !allowSoftware) {
    return { why: `the only adapter is a CPU implementation, slower than wasm: ${describeAdapter(probe.adapter)}; --backend webgpu trains on it anyway` };
  }
  try {
    // tfjs-backend-webgpu registers itself only when navigator.gpu exists, which probeAdapter set up.
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) return { why: `tfjs-backend-webgpu did not initialise on ${describeAdapter(probe.adapter)}` };
  } catch (err) {
    return { why: `tfjs-backend-webgpu failed on ${describeAdapter(probe.adapter)}: ${(err as Error).message.split('\n')[0]}` };
  }
  return { adapter: probe.adapter };
}

export interface SelectOptions {
  /** The caller reads tensors synchronously (dataSync): webgpu is passed over for the next backend in the auto order. */
  syncReadback?: boolean;
}

/**
 * Makes the chosen backend tfjs's active backend and says which it is. With 'auto' it falls
 * through the order above; a forced backend that cannot start is an error naming why.
 */
export async function selectBackend(choice: BackendChoice = 'auto', log: (line: string) => void = console.log, opts: SelectOptions = {}): Promise<SelectedBackend> {
  const skipped: string[] = [];
  const skip = (line: string) => {
    skipped.push(line);
    log(`backend: skipping ${line}`);
  };
  let candidates: readonly Exclude<BackendChoice, 'auto'>[] = choice === 'auto' ? AUTO_ORDER : [choice];
  if (opts.syncReadback && candidates.includes('webgpu')) {
    skip('webgpu: this step reads tensors synchronously, which tfjs-backend-webgpu cannot do in Node');
    candidates = choice === 'webgpu' ? ['wasm', 'cpu'] : candidates.filter((c) => c !== 'webgpu');
    choice = 'auto';
  }
  for (const name of candidates) {
    if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
      if (name === 'tfjs-node-gpu' && choice === 'auto' && !cudaDriverPresent()) {
        skip('tfjs-node-gpu: no CUDA driver found (/proc/driver/nvidia absent)');
        continue;
      }
      const why = await tryNative(`@tensorflow/${name}`);
      if (why === null) return { name, tfBackend: 'tensorflow', detail: `${name} (libtensorflow)`, skipped };
      if (choice !== 'auto') throw new Error(`--backend ${name} cannot be used: ${why}. Use --backend auto to fall back to wasm.`);
      skip(`${name}: ${why}`);
      continue;
    }
    if (name === 'webgpu') {
      const r = await initWebgpu(choice === 'webgpu');
      if ('adapter' in r) {
        const version = (createRequire(import.meta.url)('@tensorflow/tfjs-backend-webgpu/package.json') as { version: string }).version;
        return { name, tfBackend: 'webgpu', detail: `tfjs-backend-webgpu ${version} on ${describeAdapter(r.adapter)}`, skipped, adapter: r.adapter };
      }
      if (choice !== 'auto') throw new Error(`--backend webgpu cannot be used: ${r.why}. Use --backend auto to fall back to wasm.`);
      skip(`webgpu: ${r.why}`);
      continue;
    }
    if (name === 'wasm') {
      try {
        return { name, tfBackend: 'wasm', detail: await initWasm(), skipped };
      } catch (err) {
        if (choice !== 'auto') throw new Error(`--backend wasm cannot be used: ${(err as Error).message}`);
        skip(`wasm: ${(err as Error).message}`);
        continue;
      }
    }
    await tf.setBackend('cpu');
    return { name: 'cpu', tfBackend: 'cpu', detail: 'tfjs-backend-cpu (pure JavaScript, slow)', skipped };
  }
  throw new Error('no tfjs backend could be initialised');
}

/**
 * After training on webgpu: copies the model's weights back from the GPU and makes wasm (or cpu)
 * tfjs's backend, because what follows (evaluation, export, parity) reads tensors synchronously
 * and tfjs-backend-webgpu cannot do that in Node. Does nothing on any other backend. Resolves with
 * the backend now active.
 */
export async function leaveGpuBackend(model: { weights: { read(): tf.Tensor }[] }, log: (line: string) => void = console.log): Promise<string> {
  if (tf.getBackend() !== 'webgpu') return tf.getBackend();
  // Reading a tensor asynchronously caches its values on the CPU; moving it to another backend then needs no GPU read.
  await Promise.all(model.weights.map((w) => w.read().data()));
  let next = 'wasm';
  try {
    await initWasm();
  } catch (err) {
    next = 'cpu';
    await tf.setBackend('cpu');
    log(`backend: wasm unavailable after training (${(err as Error).message.split('\n')[0]})`);
  }
  log(`backend: trained on webgpu; evaluating and exporting on ${next} (tfjs-backend-webgpu has no synchronous GPU readback in Node)`);
  return next;
}
