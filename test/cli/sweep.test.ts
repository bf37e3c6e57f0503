/** `onnxline sweep`: trains each recipe of a sweep and writes its table; one failing recipe does not lose the others' rows. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSweep } from '../../pipeline/sweep.ts';

const BIN = new URL('../../pipeline/bin/onnxline.js', import.meta.url).pathname;

test('a one-point sweep on real Fashion-MNIST runs the whole pipeline and writes a table with the study\'s number and ours', async () => {
  const runs = await mkdtemp(join(tmpdir(), 'onnxline-sweep-'));
  const repository = join(runs, 'model-repository');
  const r = spawnSync(process.execPath, [BIN, 'sweep', 'fashion-maps', '--only', 'fashion-maps-10-10', '--epochs', '1', '--train-limit', '256', '--backend', 'wasm', '--no-progress', '--runs', runs, '--repository', repository], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const table = readFileSync(join(runs, 'sweeps', 'fashion-maps.md'), 'utf8');
  const row = table.split('\n').find((l) => l.startsWith('| fashion-maps-10-10 |'));
  assert.ok(row, table);
  const cells = row.split('|').map((c) => c.trim());
  assert.equal(cells[3], '38.60%', 'S2 reported 38.6% for (10, 10)');
  assert.match(cells[4]!, /^\d+\.\d\d%$/, 'our test accuracy');
  assert.equal(cells[7], '256', 'training samples: the smoke cap, below the recipe\'s 10,000');
  assert.match(table, /Smoke run: --train-limit 256/);
  const json = JSON.parse(readFileSync(join(runs, 'sweeps', 'fashion-maps.json'), 'utf8')) as { rows: { params: number; runDir: string }[] };
  assert.equal(json.rows[0]!.params, 66_908);
  // The point is an ordinary recipe run: exported, checked for parity and published.
  const manifest = JSON.parse(readFileSync(join(json.rows[0]!.runDir, 'manifest.json'), 'utf8')) as { stages: Record<string, { status: string }> };
  for (const stage of ['data', 'train', 'export', 'validate', 'publish']) assert.equal(manifest.stages[stage]?.status, 'done', stage);
  assert.ok(existsSync(join(repository, 'fashion-maps-10-10')), 'published into --repository');
  await rm(runs, { recursive: true, force: true });
});

test('a failing recipe is a row saying why; the sweep still writes the table, then fails naming it', async () => {
  const runs = await mkdtemp(join(tmpdir(), 'onnxline-sweep-'));
  const logs: string[] = [];
  await assert.rejects(
    runSweep('fashion-optimizers', {
      only: ['fashion-opt-gd', 'fashion-opt-adam'],
      runStages: async (recipe) => {
        throw new Error(`${recipe}: out of memory`);
      },
      runOptions: { runsRoot: runs, log: (l) => logs.push(l) },
    }),
    /2 of 2 recipes failed \(fashion-opt-gd, fashion-opt-adam\)/,
  );
  const table = readFileSync(join(runs, 'sweeps', 'fashion-optimizers.md'), 'utf8');
  assert.match(table, /\| fashion-opt-adam \| .* \| 55\.90% \| failed: fashion-opt-adam: out of memory \|/);
  await assert.rejects(runSweep('fashion-optimizers', { only: ['nope'], runStages: async () => runs, runOptions: { runsRoot: runs, log: () => undefined } }), /--only: "nope" is not in sweep fashion-optimizers/);
  await rm(runs, { recursive: true, force: true });
});

test('a sweep point trains on the 10,000 training images its recipe names, and validates on the whole validation split', async () => {
  const runs = await mkdtemp(join(tmpdir(), 'onnxline-sweep-'));
  const r = spawnSync(process.execPath, [BIN, 'data', 'fashion-maps-32-32', '--no-progress', '--runs', runs], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const runDir = join(runs, 'fashion-maps-32-32', readdirSync(join(runs, 'fashion-maps-32-32')).find((d) => d.startsWith('s42-'))!);
  const summary = JSON.parse(readFileSync(join(runDir, 'data', 'summary.json'), 'utf8')) as { counts: Record<string, number>; classCounts: { train: number[] } };
  assert.deepEqual(summary.counts, { train: 10_000, validation: 6_000, test: 10_000 });
  // The first 10,000 of a seed-shuffled split: every class is there, near 1,000 each.
  assert.equal(summary.classCounts.train.length, 10);
  for (const n of summary.classCounts.train) assert.ok(n > 850 && n < 1150, `class count ${n}`);
  await rm(runs, { recursive: true, force: true });
});
