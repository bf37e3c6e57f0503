/**
 * Picking onnxruntime's execution provider: `cuda`, `webgpu` or `cpu` on request, or `auto`:
 * CUDA when its driver and onnxruntime's CUDA provider library are present, then WebGPU when a
 * hardware adapter is found, then CPU — one log line for every provider skipped, saying why.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { describeAdapter, probeAdapter, quietMesa, type AdapterInfo } from '../../pipeline/gpu/webgpu.ts';

export const DEVICE_CHOICES = ['auto', 'cuda', 'webgpu', 'cpu'] as const;
export type DeviceChoice = (typeof DEVICE_CHOICES)[number];
export type ExecutionProvider = 'cuda' | 'webgpu' | 'cpu';

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

/** Why this onnxruntime-node build has no WebGPU execution provider, or null when it has one. */
export function webgpuProviderMissingReason(): string | null {
  // Loaded here, not at the top, so that the CLI can import DEVICE_CHOICES without loading onnxruntime.
  const runtime = createRequire(import.meta.url)('onnxruntime-node') as typeof ort;
  const backends = runtime.listSupportedBackends?.() ?? [];
  const webgpu = backends.find((b) => b.name === 'webgpu');
  if (!webgpu) return `this onnxruntime-node build has no webgpu execution provider (it lists ${backends.map((b) => b.name).join(', ') || 'none'})`;
  return null;
}

/** What provider selection decided: the providers to try in order, and the adapter WebGPU would run on (when known). */
export interface ProviderPlan {
  providers: ExecutionProvider[];
  adapter?: AdapterInfo;
}

/**
 * The providers to try, in order, for a device choice. `auto` logs one line per provider it skips
 * and why; `cuda` and `webgpu` throw a message naming the cause and what to do when they cannot be
 * used. WebGPU under `auto` needs a hardware adapter (checked through the optional `webgpu`
 * package); `--device webgpu` takes whatever adapter exists, software ones included.
 */
export async function resolveProviders(choice: DeviceChoice, log: (line: string) => void): Promise<ProviderPlan> {
  if (choice === 'cpu') return { providers: ['cpu'] };
  if (choice === 'cuda') {
    const why = cudaUnavailableReason();
    if (why) throw new Error(`--device cuda: CUDA cannot be used: ${why}. Use --device cpu or --device auto.`);
    return { providers: ['cuda'] };
  }
  if (choice === 'webgpu') {
    quietMesa();
    const missing = webgpuProviderMissingReason();
    if (missing) throw new Error(`--device webgpu: ${missing}. Use --device cpu or --device auto.`);
    const probe = await probeAdapter();
    if (probe.status === 'no-adapter') throw new Error(`--device webgpu: ${probe.reason}. Install a Vulkan driver (see the README's GPU section) or use --device cpu.`);
    // Without Dawn (`webgpu` not installed) onnxruntime's own WebGPU still runs; its error names a missing adapter.
    if (probe.status === 'found') log(`device: webgpu on ${describeAdapter(probe.adapter)}`);
    return probe.status === 'found' ? { providers: ['webgpu'], adapter: probe.adapter } : { providers: ['webgpu'] };
  }
  const providers: ExecutionProvider[] = [];
  const cudaWhy = cudaUnavailableReason();
  if (cudaWhy) log(`device: skipping cuda (${cudaWhy})`);
  else providers.push('cuda');
  let adapter: AdapterInfo | undefined;
  const missing = webgpuProviderMissingReason();
  if (missing) log(`device: skipping webgpu (${missing})`);
  else {
    quietMesa();
    const probe = await probeAdapter();
    if (probe.status !== 'found') log(`device: skipping webgpu (${probe.status === 'package-missing' ? `cannot tell whether a GPU adapter exists: ${probe.reason}` : probe.reason})`);
    else if (probe.adapter.software) log(`device: skipping webgpu (the only adapter is a CPU implementation, slower than the cpu provider: ${describeAdapter(probe.adapter)}; --device webgpu serves on it anyway)`);
    else {
      providers.push('webgpu');
      adapter = probe.adapter;
    }
  }
  providers.push('cpu');
  log(`device: auto → ${providers.join(' then ')}`);
  return adapter ? { providers, adapter } : { providers };
}
