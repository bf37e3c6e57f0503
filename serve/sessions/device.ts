/**
 * Picking onnxruntime's execution provider: `cuda` or `cpu` on request, or `auto` (CUDA when its
 * driver and onnxruntime's CUDA provider library are present, else CPU, with one log line saying why).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const DEVICE_CHOICES = ['auto', 'cuda', 'cpu'] as const;
export type DeviceChoice = (typeof DEVICE_CHOICES)[number];
export type ExecutionProvider = 'cuda' | 'cpu';

/** Why CUDA can't be used here, or null when its driver and provider library are present. */
export function cudaUnavailableReason(): string | null {
  if (!existsSync('/proc/driver/nvidia')) return 'no CUDA driver found (/proc/driver/nvidia absent)';
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    const lib = join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
    if (!existsSync(lib)) return `onnxruntime-node's CUDA provider is not installed (${lib} absent; reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci)`;
  } catch {
    return 'onnxruntime-node is not installed';
  }
  return null;
}

/**
 * The providers to try, in order, for a device choice. `auto` logs once why it falls back to CPU;
 * `cuda` throws a message saying what to install when CUDA is unavailable.
 */
export function providersFor(choice: DeviceChoice, log: (line: string) => void): ExecutionProvider[] {
  if (choice === 'cpu') return ['cpu'];
  const why = cudaUnavailableReason();
  if (choice === 'cuda') {
    if (why) throw new Error(`--device cuda: CUDA cannot be used: ${why}. Use --device cpu or --device auto.`);
    return ['cuda'];
  }
  if (why) {
    log(`device: auto → cpu (${why})`);
    return ['cpu'];
  }
  return ['cuda', 'cpu'];
}
