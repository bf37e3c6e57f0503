/**
 * Training backend and serving provider selection, run for real in child processes: with the
 * optional `webgpu` package absent (made unresolvable by a test loader), with Vulkan finding no
 * driver, and with only the software adapter (lavapipe/llvmpipe), which `auto` must skip while
 * `--backend webgpu` / `--device webgpu` use it.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { HIDE_NATIVE_TFJS, HIDE_WEBGPU, INSTALL_SOFTWARE_VULKAN, NO_VULKAN_DRIVER, onlySoftwareVulkan, runSelection } from './helpers.ts';

test('webgpu package absent: auto training falls through to wasm, --backend webgpu names the package', () => {
  const auto = runSelection('backend', 'auto', { hide: HIDE_WEBGPU });
  assert.equal(auto.error, undefined, auto.error);
  assert.equal(auto.name, 'wasm');
  const line = auto.skipped!.find((l) => l.startsWith('webgpu:'));
  assert.match(line ?? '', /^webgpu: the optional package `webgpu` .*is not installed/, `skipped: ${JSON.stringify(auto.skipped)}`);
  assert.ok(auto.logs.includes(`backend: skipping ${line}`), 'the skip is logged as one line');
  // One line per skipped step, in order.
  assert.deepEqual(auto.skipped!.map((l) => l.split(':')[0]), ['tfjs-node-gpu', 'tfjs-node', 'webgpu']);

  const forced = runSelection('backend', 'webgpu', { hide: HIDE_WEBGPU });
  assert.match(forced.error ?? '', /^--backend webgpu cannot be used: the optional package `webgpu` .*not installed.*--backend auto/);
});

test('webgpu package absent: serving auto falls back to cpu and says it cannot check the adapter', () => {
  const auto = runSelection('device', 'auto', { hide: HIDE_WEBGPU });
  assert.deepEqual(auto.providers, ['cpu']);
  assert.ok(auto.logs.some((l) => /^device: skipping webgpu \(cannot tell whether a GPU adapter exists: the optional package `webgpu`/.test(l)), auto.logs.join('\n'));
  assert.ok(auto.logs.some((l) => /^device: skipping cuda \(/.test(l)), 'cuda skip is logged');
});

test('no Vulkan driver: auto skips webgpu with the reason, forced webgpu fails naming it', () => {
  const auto = runSelection('backend', 'auto', { hide: HIDE_NATIVE_TFJS, env: NO_VULKAN_DRIVER });
  assert.equal(auto.name, 'wasm', auto.error);
  assert.ok(auto.skipped!.some((l) => /^webgpu: Dawn found no WebGPU adapter \(VK_DRIVER_FILES\/VK_ICD_FILENAMES is set to/.test(l)), JSON.stringify(auto.skipped));

  const forced = runSelection('backend', 'webgpu', { env: NO_VULKAN_DRIVER });
  assert.match(forced.error ?? '', /^--backend webgpu cannot be used: Dawn found no WebGPU adapter/);

  const device = runSelection('device', 'auto', { env: NO_VULKAN_DRIVER });
  assert.deepEqual(device.providers, ['cpu']);
  assert.ok(device.logs.some((l) => /^device: skipping webgpu \(Dawn found no WebGPU adapter/.test(l)), device.logs.join('\n'));

  const forcedDevice = runSelection('device', 'webgpu', { env: NO_VULKAN_DRIVER });
  assert.match(forcedDevice.error ?? '', /^--device webgpu: Dawn found no WebGPU adapter.*--device cpu/);
});

test('software adapter: auto skips it (training and serving); --backend/--device webgpu use it and record it', () => {
  const env = onlySoftwareVulkan();
  const auto = runSelection('backend', 'auto', { hide: HIDE_NATIVE_TFJS, env });
  assert.equal(auto.name, 'wasm', auto.error);
  const line = auto.skipped!.find((l) => l.startsWith('webgpu:')) ?? '';
  assert.ok(!/no WebGPU adapter/.test(line), `Dawn found no adapter: ${line}; ${INSTALL_SOFTWARE_VULKAN}`);
  assert.match(line, /^webgpu: the only adapter is a CPU implementation, slower than wasm: llvmpipe.*\[software adapter\]; --backend webgpu trains on it anyway$/);

  const forced = runSelection('backend', 'webgpu', { env });
  assert.equal(forced.error, undefined, forced.error);
  assert.equal(forced.name, 'webgpu');
  assert.match(forced.detail!, /^tfjs-backend-webgpu 4\.22\.0 on llvmpipe/);
  assert.equal(forced.adapter?.software, true);
  assert.equal(forced.adapter?.architecture, 'software');
  assert.match(forced.adapter!.description, /llvmpipe/);

  const device = runSelection('device', 'auto', { env });
  assert.deepEqual(device.providers, ['cpu']);
  assert.ok(device.logs.some((l) => /^device: skipping webgpu \(the only adapter is a CPU implementation.*llvmpipe/.test(l)), device.logs.join('\n'));
  assert.equal(device.logs.at(-1), 'device: auto → cpu');

  const forcedDevice = runSelection('device', 'webgpu', { env });
  assert.deepEqual(forcedDevice.providers, ['webgpu'], forcedDevice.error);
  assert.equal(forcedDevice.adapter?.software, true);
});
