/**
 * WebGPU from npm alone: loads Dawn's Node bindings (the optional `webgpu` package), installs the
 * WebGPU globals and `navigator.gpu`, and describes the adapter Dawn finds, telling a software
 * adapter (llvmpipe, lavapipe, SwiftShader, WARP) from a GPU. Used by training backend selection,
 * serving provider selection and `npm run bench:gpu`.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What onnxline records about a WebGPU adapter (manifest, logs, bench JSON). */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a CPU implementation of Vulkan/WebGPU (llvmpipe, lavapipe, SwiftShader, WARP) or a fallback adapter. */
  software: boolean;
}

/** The few parts of the WebGPU API used here (declared locally so that type-checking does not need the optional package). */
interface RawAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface DawnAdapter {
  info?: RawAdapterInfo;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<RawAdapterInfo>;
}
export interface DawnGpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<DawnAdapter | null>;
}

export type AdapterProbe =
  | { status: 'found'; adapter: AdapterInfo; gpu: DawnGpu }
  | { status: 'package-missing' | 'load-failed' | 'no-adapter'; reason: string };

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe|software|microsoft basic render|\bwarp\b/i;

/** True when the adapter's info names a software implementation (or Dawn calls it a fallback adapter). */
export function isSoftwareAdapter(info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }): boolean {
  if (info.isFallbackAdapter === true) return true;
  return [info.vendor, info.architecture, info.device, info.description].some((s) => typeof s === 'string' && SOFTWARE.test(s));
}

/** The adapter in a few words for logs, e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) (mesa, software)"; " [software adapter]" is added for one. */
export function describeAdapter(a: AdapterInfo): string {
  const name = a.description || a.device || 'unnamed adapter';
  const extra = [a.vendor, a.architecture].filter(Boolean).join(', ');
  return `${name}${extra ? ` (${extra})` : ''}${a.software ? ' [software adapter]' : ''}`;
}

const LOADER_PATHS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1', '/usr/local/lib/libvulkan.so.1'];
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/** A hint about why Vulkan found nothing (missing loader, no driver, an override pointing elsewhere), or ''. */
export function vulkanHint(): string {
  if (process.platform !== 'linux') return '';
  if (!LOADER_PATHS.some((p) => existsSync(p))) return 'the Vulkan loader libvulkan.so.1 is not installed (Debian: apt-get install libvulkan1)';
  const override = process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES;
  if (override) return `VK_DRIVER_FILES/VK_ICD_FILENAMES is set to "${override}"`;
  if (!ICD_DIRS.some((d) => existsSync(d))) return 'no Vulkan driver is installed (a GPU vendor driver, or Debian bookworm-backports mesa-vulkan-drivers for the software one)';
  return '';
}

/** Mesa warns on every start when XDG_RUNTIME_DIR is unset: this gives it a private temporary one (Linux only, once). */
export function quietMesa(): void {
  if (process.platform === 'linux' && !process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'onnxline-xdg-'));
}

let dawn: Promise<{ gpu: DawnGpu } | { error: AdapterProbe & { status: 'package-missing' | 'load-failed' } }> | undefined;

/** Makes `navigator.gpu` point at `gpu`, whether or not this Node already has a `navigator` global. */
function installNavigatorGpu(gpu: DawnGpu): void {
  const current = (globalThis as { navigator?: object }).navigator;
  if (current && typeof current === 'object') {
    try {
      Object.defineProperty(current, 'gpu', { value: gpu, configurable: true, enumerable: true, writable: true });
      if ((current as { gpu?: unknown }).gpu === gpu) return;
    } catch {
      /* a frozen navigator: replace it below */
    }
  }
  Object.defineProperty(globalThis, 'navigator', { value: { ...(current ?? {}), gpu }, configurable: true, enumerable: true, writable: true });
}

/**
 * Loads the `webgpu` package once, copies its WebGPU classes onto globalThis and sets
 * `navigator.gpu`. Resolves with the GPU object, or with why it could not (package not installed,
 * native module failed to load); never throws.
 */
export function loadDawn(): Promise<{ gpu: DawnGpu } | { error: AdapterProbe & { status: 'package-missing' | 'load-failed' } }> {
  dawn ??= (async () => {
    quietMesa();
    let mod: { create: (flags: string[]) => DawnGpu; globals: object };
    // A computed specifier: the package is optional, so type-checking must not need it.
    const specifier = 'webgpu';
    try {
      mod = (await import(specifier)) as typeof mod;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') {
        return { error: { status: 'package-missing' as const, reason: 'the optional package `webgpu` (Dawn for Node) is not installed (npm install webgpu)' } };
      }
      return { error: { status: 'load-failed' as const, reason: `the \`webgpu\` package failed to load: ${e.message.split('\n')[0]}` } };
    }
    Object.assign(globalThis, mod.globals);
    const gpu = mod.create([]);
    installNavigatorGpu(gpu);
    return { gpu };
  })();
  return dawn;
}

/**
 * Asks Dawn for the adapter a 'high-performance' request gets (the one tfjs-backend-webgpu will
 * use) and describes it. Resolves with why there is none instead of throwing.
 */
export async function probeAdapter(): Promise<AdapterProbe> {
  const loaded = await loadDawn();
  if ('error' in loaded) return loaded.error;
  let adapter: DawnAdapter | null;
  try {
    adapter = await loaded.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { status: 'no-adapter', reason: `Dawn's requestAdapter failed: ${(err as Error).message.split('\n')[0]}` };
  }
  if (!adapter) {
    const hint = vulkanHint();
    return { status: 'no-adapter', reason: `Dawn found no WebGPU adapter${hint ? ` (${hint})` : ''}` };
  }
  const raw: RawAdapterInfo = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const fields = {
    vendor: raw.vendor ?? '',
    architecture: raw.architecture ?? '',
    device: raw.device ?? '',
    description: raw.description ?? '',
  };
  const fallback = raw.isFallbackAdapter ?? adapter.isFallbackAdapter;
  return { status: 'found', gpu: loaded.gpu, adapter: { ...fields, software: isSoftwareAdapter({ ...fields, ...(fallback !== undefined ? { isFallbackAdapter: fallback } : {}) }) } };
}
