/**
 * Training backend selection: tfjs-node-gpu (CUDA present) → tfjs-node → wasm → cpu, or the one
 * forced with --backend. Every step skipped says why in one line.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '../tfjs/setup.ts';

export const BACKEND_CHOICES = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
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
}

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

/** XNNPACK threads for the wasm backend: ONNXLINE_WASM_THREADS, else one per available core (at most 8). */
export function wasmThreads(): number {
  const env = Number(process.env.ONNXLINE_WASM_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  return Math.max(1, Math.min(8, availableParallelism()));
}

async function initWasm(): Promise<string> {
  const { initWasmTrainingBackend } = await import('../kernels/init-wasm.ts');
  const info = await initWasmTrainingBackend({ threads: wasmThreads() });
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return `tfjs-backend-wasm ${wasm.version_wasm} (${info.binary}), SIMD ${info.simd ? 'on' : 'off'}, ${info.threads} thread(s), ${info.kernels.length} onnxline training kernels${info.note ? ` — ${info.note}` : ''}`;
}

/**
 * Makes the chosen backend tfjs's active backend and says which it is. With 'auto' it falls
 * through the order above; a forced backend that cannot start is an error naming why.
 */
export async function selectBackend(choice: BackendChoice = 'auto', log: (line: string) => void = console.log): Promise<SelectedBackend> {
  const skipped: string[] = [];
  const skip = (line: string) => {
    skipped.push(line);
    log(`backend: skipping ${line}`);
  };
  const candidates: Exclude<BackendChoice, 'auto'>[] = choice === 'auto' ? ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] : [choice];
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
