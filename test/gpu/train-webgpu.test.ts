/**
 * `onnxline pipeline --backend webgpu` end to end through the real CLI in a child process, on the
 * software adapter only: it trains a tiny MLP on real MNIST digits on webgpu, records the backend
 * and the adapter in manifest.json, evaluates and exports after moving the weights off the GPU,
 * and validates parity (on wasm, which reads synchronously). `--backend auto` on the same machine
 * skips the software adapter with one line saying why.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../../pipeline/runner/manifest.ts';
import type { AdapterInfo } from '../../pipeline/gpu/webgpu.ts';
import { HIDE_NATIVE_TFJS, INSTALL_SOFTWARE_VULKAN, onlySoftwareVulkan } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../pipeline/bin/onnxline.js', import.meta.url));
const HIDE = fileURLToPath(new URL('./hide-packages.mjs', import.meta.url));
const RECIPE = fileURLToPath(new URL('../fixtures/tiny-digits-recipe.ts', import.meta.url));

function cli(args: string[], env: Record<string, string>): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', HIDE, BIN, ...args], {
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, ONNXLINE_WASM_THREADS: '1', ONNXLINE_TEST_HIDE: HIDE_NATIVE_TFJS, ...env },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

function manifestOf(runs: string): Manifest {
  const root = join(runs, 'tiny-digits');
  const dir = readdirSync(root).find((d) => d.startsWith('s'));
  assert.ok(dir, `no run directory under ${root}`);
  return JSON.parse(readFileSync(join(root, dir, 'manifest.json'), 'utf8')) as Manifest;
}

test('--backend webgpu trains, records the adapter in the manifest, exports and validates', async () => {
  const runs = await mkdtemp(join(tmpdir(), 'onnxline-webgpu-runs-'));
  try {
    const r = cli(['pipeline', RECIPE, '--stages', 'data,train,export,validate', '--backend', 'webgpu', '--epochs', '2', '--train-limit', '512', '--no-progress', '--runs', runs], onlySoftwareVulkan());
    assert.ok(!/no WebGPU adapter/.test(r.out), `${r.out}\n${INSTALL_SOFTWARE_VULKAN}`);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^train: backend webgpu — tfjs-backend-webgpu 4\.22\.0 on llvmpipe.*\[software adapter\]$/m);
    assert.match(r.out, /^backend: trained on webgpu; evaluating and exporting on wasm/m);
    assert.match(r.out, /verdict: BLESSED/);
    const m = manifestOf(runs);
    assert.equal(m.backend?.name, 'webgpu');
    const adapter = (m.backend as { adapter?: AdapterInfo }).adapter;
    assert.ok(adapter, 'the manifest records the adapter');
    assert.equal(adapter.software, true);
    assert.equal(adapter.vendor, 'mesa');
    assert.equal(adapter.architecture, 'software');
    assert.match(adapter.description, /llvmpipe/);
    const acc = m.stages.train!.metrics!.testAccuracy as number;
    assert.ok(acc > 0.5, `a tiny MLP trained on webgpu for 2 epochs on 512 digits reaches more than 50% (got ${acc})`);
  } finally {
    await rm(runs, { recursive: true, force: true });
  }
});

test('--backend auto skips the software adapter with one line and trains on wasm', async () => {
  const runs = await mkdtemp(join(tmpdir(), 'onnxline-webgpu-auto-'));
  try {
    const r = cli(['pipeline', RECIPE, '--stages', 'data,train', '--epochs', '1', '--train-limit', '128', '--no-progress', '--runs', runs], onlySoftwareVulkan());
    assert.equal(r.code, 0, r.out);
    const lines = r.out.split('\n');
    assert.equal(lines.filter((l) => /^backend: skipping webgpu: the only adapter is a CPU implementation, slower than wasm: llvmpipe/.test(l)).length, 1, r.out);
    for (const name of ['tfjs-node-gpu', 'tfjs-node']) assert.equal(lines.filter((l) => l.startsWith(`backend: skipping ${name}: `)).length, 1, `${name}: ${r.out}`);
    assert.match(r.out, /^train: backend wasm/m);
    const m = manifestOf(runs);
    assert.equal(m.backend?.name, 'wasm');
    assert.ok(m.backend?.skipped.some((l) => l.startsWith('webgpu: the only adapter is a CPU implementation')), JSON.stringify(m.backend));
  } finally {
    await rm(runs, { recursive: true, force: true });
  }
});
