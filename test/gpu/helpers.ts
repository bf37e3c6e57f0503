/**
 * Shared by the GPU tests: running the real selection code in a child process (optionally with
 * packages hidden or Vulkan pointed at nothing), and requiring the software Vulkan device that CI
 * installs — its absence fails a test with what to install, it never skips one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { probeAdapter, type AdapterInfo } from '../../pipeline/gpu/webgpu.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./select-child.ts', import.meta.url));
const HIDE = fileURLToPath(new URL('./hide-packages.mjs', import.meta.url));

/** How to get the software WebGPU adapter these tests run on (what .ci/run does). */
export const INSTALL_SOFTWARE_VULKAN =
  'install the software Vulkan device: add Debian\'s bookworm-backports suite to apt, then `apt-get install -y libvulkan1 && apt-get install -y -t bookworm-backports mesa-vulkan-drivers` (.ci/run does this; see the README\'s GPU section)';

/** Environment that makes the Vulkan loader find no driver at all. */
export const NO_VULKAN_DRIVER = { VK_DRIVER_FILES: '/nonexistent/onnxline-no-driver.json', VK_ICD_FILENAMES: '/nonexistent/onnxline-no-driver.json' };

/** The lavapipe (Mesa llvmpipe) Vulkan driver manifest that mesa-vulkan-drivers installs. */
export const LAVAPIPE_ICD = '/usr/share/vulkan/icd.d/lvp_icd.json';

/**
 * Environment that makes Vulkan see only the software driver, so a test sees the same adapter on a
 * machine with a GPU as in CI. Fails (naming what to install) when the driver isn't there.
 */
export function onlySoftwareVulkan(): Record<string, string> {
  assert.ok(existsSync(LAVAPIPE_ICD), `${LAVAPIPE_ICD} is missing; ${INSTALL_SOFTWARE_VULKAN}`);
  return { VK_DRIVER_FILES: LAVAPIPE_ICD, VK_ICD_FILENAMES: LAVAPIPE_ICD };
}

/** Packages hidden when a test wants "the optional `webgpu` package is not installed" (native tfjs too, so auto reaches webgpu). */
export const HIDE_WEBGPU = 'webgpu,@tensorflow/tfjs-node,@tensorflow/tfjs-node-gpu';
/** Native tfjs hidden so that `auto` reaches the webgpu step on any machine. */
export const HIDE_NATIVE_TFJS = '@tensorflow/tfjs-node,@tensorflow/tfjs-node-gpu';

export interface ChildResult {
  name?: string;
  detail?: string;
  skipped?: string[];
  providers?: string[];
  adapter?: AdapterInfo | null;
  error?: string;
  logs: string[];
}

/** Runs select-child.ts (`backend` or `device` selection for `choice`) with extra env; `hide` lists packages to make unresolvable. */
export function runSelection(what: 'backend' | 'device', choice: string, opts: { hide?: string; env?: Record<string, string> } = {}): ChildResult {
  const args = ['--import', 'tsx', ...(opts.hide ? ['--import', HIDE] : []), CHILD, what, choice];
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ONNXLINE_WASM_THREADS: '1', ...(opts.hide ? { ONNXLINE_TEST_HIDE: opts.hide } : {}), ...opts.env },
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `the selection child printed no result (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as ChildResult;
}

/** The adapter Dawn finds here; fails the test (naming what to install) when there is none. */
export async function requireAdapter(): Promise<AdapterInfo> {
  const probe = await probeAdapter();
  if (probe.status !== 'found') assert.fail(`these tests need a WebGPU adapter and found none (${probe.reason}); ${INSTALL_SOFTWARE_VULKAN}`);
  return probe.adapter;
}
