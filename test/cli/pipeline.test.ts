/**
 * The pipeline end to end through the real CLI in child processes: a tiny digits run, a rerun
 * that skips every stage, and a run killed mid-training that resumes from its checkpoint.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../../pipeline/runner/manifest.ts';
import type { ParityReport } from '../../pipeline/stages/validate.ts';
import { readMetadata } from '../../pipeline/export/metadata.ts';
import { decodeModel } from '../../pipeline/export/index.ts';
import { checkOnnxModels } from '../export/harness.ts';

const BIN = new URL('../../pipeline/bin/onnxline.js', import.meta.url).pathname;

function cli(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

function onlyRun(runs: string): string {
  const dirs = readdirSync(join(runs, 'digits')).filter((d) => d.startsWith('s'));
  assert.equal(dirs.length, 1, `expected one run directory, found ${dirs.join(', ')}`);
  return join(runs, 'digits', dirs[0]!);
}

const tiny = ['--train-limit', '256', '--no-progress'];

test('a tiny digits run trains, exports and validates; a rerun skips every stage', async () => {
  const runs = await mkdtemp(join(tmpdir(), 'onnxline-runs-'));
  const args = ['pipeline', 'digits', '--stages', 'data,train,export,validate', '--epochs', '2', '--backend', 'wasm', '--runs', runs, ...tiny];
  const first = cli(args);
  assert.equal(first.code, 0, first.out);
  assert.match(first.out, /backend wasm/);
  const dir = onlyRun(runs);
  for (const f of ['data/dataset.bin', 'train/model/model.json', 'train/model/weights.bin', 'train/history.json', 'train/curves.png', 'train/confusion.png', 'train/evaluation.json', 'export/model.onnx', 'validate/report.json', 'validate/model.onnx']) {
    assert.ok(existsSync(join(dir, f)), `${f} was written`);
  }
  assert.ok(!existsSync(join(dir, 'train/checkpoint')), 'the checkpoint is removed once training finished');
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  assert.equal(m.backend?.name, 'wasm');
  assert.equal(m.stages.train?.status, 'done');
  assert.match(m.stages.train!.inputs['data/dataset.bin']!, /^[0-9a-f]{64}$/);
  assert.match(m.stages.train!.outputs['train/model']!, /^[0-9a-f]{64}$/);
  const acc = m.stages.train!.metrics!.testAccuracy as number;
  assert.ok(acc >= 0 && acc <= 1, `test accuracy ${acc}`);
  const { history } = JSON.parse(readFileSync(join(dir, 'train/history.json'), 'utf8')) as { history: { loss: number }[] };
  assert.equal(history.length, 2);
  assert.ok(history.every((h) => Number.isFinite(h.loss) && h.loss > 0), `finite losses: ${history.map((h) => h.loss).join(', ')}`);

  // validate: parity on ≥ 512 real validation samples, blessed, recorded in the manifest and the ONNX metadata
  const report = JSON.parse(readFileSync(join(dir, 'validate/report.json'), 'utf8')) as ParityReport;
  assert.equal(report.blessed, true, report.reasons.join('; '));
  assert.ok(report.samples >= 512);
  assert.equal(report.runtimes.length, 2);
  for (const r of report.runtimes) {
    assert.equal(r.outputs[0]!.top1Agreement, 1, r.runtime);
    assert.ok(r.outputs[0]!.maxAbsDiff <= 1e-4, `${r.runtime} max abs diff ${r.outputs[0]!.maxAbsDiff}`);
  }
  assert.equal(m.stages.validate!.metrics!.blessed, true);
  const meta = readMetadata(new Uint8Array(readFileSync(join(dir, 'validate/model.onnx'))));
  assert.equal(JSON.parse(meta['onnxline.parity']!).samples, report.samples);
  assert.deepEqual(JSON.parse(meta['onnxline.labels']!), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(JSON.parse(meta['onnxline.preprocessing']!).polarity, 'white-on-black');
  assert.match(meta['onnxline.source_hash']!, /^[0-9a-f]{64}$/);
  const decoded = decodeModel(readFileSync(join(dir, 'validate/model.onnx')));
  assert.deepEqual(decoded.graph.input.map((i: { name: string }) => i.name), ['image'], 'the ONNX input is named after the tfjs input layer');
  assert.deepEqual(decoded.graph.output.map((o: { name: string }) => o.name), ['probabilities']);
  const [checked] = checkOnnxModels([join(dir, 'validate/model.onnx')]);
  assert.ok(checked?.ok, `onnx.checker (full_check) rejects the published model: ${checked?.error}`);
  assert.ok((m.stages.train!.durationMs ?? 0) > 0);
  const png = readFileSync(join(dir, 'train/curves.png'));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');

  const second = cli(args);
  assert.equal(second.code, 0, second.out);
  for (const stage of ['data', 'train', 'export', 'validate']) assert.match(second.out, new RegExp(`${stage}: up to date, skipped`));
  const m2 = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  assert.equal(m2.stages.train!.finishedAt, m.stages.train!.finishedAt, 'the skipped stage was not rerun');
  await rm(runs, { recursive: true, force: true });
});

test('a run killed during training resumes from its last finished epoch', async () => {
  const runs = await mkdtemp(join(tmpdir(), 'onnxline-runs-'));
  const args = [BIN, 'pipeline', 'digits', '--stages', 'data,train', '--epochs', '3', '--backend', 'wasm', '--runs', runs, ...tiny];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolveKill, reject) => {
    const timer = setTimeout(() => reject(new Error(`no checkpoint appeared in time:\n${out}`)), 240_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // Kill hard as soon as the first epoch's checkpoint is in place (it appears atomically).
    const poll = setInterval(() => {
      const latest = join(runs, 'digits', 'latest.json');
      if (!existsSync(latest)) return;
      const { runDir } = JSON.parse(readFileSync(latest, 'utf8')) as { runDir: string };
      if (existsSync(join(runDir, 'train/checkpoint/state.json'))) child.kill('SIGKILL');
    }, 50);
    child.on('exit', () => {
      clearInterval(poll);
      clearTimeout(timer);
      resolveKill();
    });
  });
  assert.ok(!/epoch 3\/3/.test(out), 'the run was killed before it finished');
  const dir = onlyRun(runs);
  assert.ok(!existsSync(join(dir, 'train/model/model.json')), 'no final model exists after the kill');
  const resumed = cli(['pipeline', 'digits', '--stages', 'data,train', '--epochs', '3', '--backend', 'wasm', '--runs', runs, ...tiny]);
  assert.equal(resumed.code, 0, resumed.out);
  assert.match(resumed.out, /data: up to date, skipped/);
  const from = /resuming from the checkpoint after epoch (\d)/.exec(resumed.out);
  assert.ok(from, `the rerun resumed:\n${resumed.out}`);
  assert.ok(!resumed.out.includes('epoch 1/3 '), 'epoch 1 was not trained again');
  const history = JSON.parse(readFileSync(join(dir, 'train/history.json'), 'utf8')) as { history: unknown[] };
  assert.equal(history.history.length, 3, 'the history holds all three epochs');
  await rm(runs, { recursive: true, force: true });
});

test('bad options are rejected with a message naming them', () => {
  const badSeeds = cli(['pipeline', 'digits', '--seeds', '5-2']);
  assert.notEqual(badSeeds.code, 0);
  assert.match(badSeeds.out, /--seeds range "5-2" must go upwards/);
  const badSweep = cli(['sweep', 'no-such-sweep']);
  assert.notEqual(badSweep.code, 0);
  assert.match(badSweep.out, /unknown sweep "no-such-sweep"; sweeps: fashion-maps, fashion-optimizers/);
  const bad = cli(['pipeline', 'digits', '--stages', 'data,frobnicate']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.out, /unknown stage "frobnicate"/);
  const unknown = cli(['train', 'no-such-recipe']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.out, /unknown recipe "no-such-recipe"; available: digits/);
  const models = cli(['models']);
  assert.equal(models.code, 0);
  assert.match(models.out, /^digits\s+CNN/m);
});

test('a recipe file trains on real digits and learns: loss falls and test accuracy is far above chance', async () => {
  const runs = await mkdtemp(join(tmpdir(), 'onnxline-runs-'));
  const recipe = new URL('../fixtures/tiny-digits-recipe.ts', import.meta.url).pathname;
  const r = cli(['train', recipe, '--backend', 'wasm', '--train-limit', '2000', '--runs', runs, '--no-progress']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /data: load the dataset/, 'train ran the data stage it needs first');
  const dir = join(runs, 'tiny-digits', readdirSync(join(runs, 'tiny-digits')).find((d) => d.startsWith('s'))!);
  const { history } = JSON.parse(readFileSync(join(dir, 'train/history.json'), 'utf8')) as { history: { loss: number; valAcc: number }[] };
  assert.equal(history.length, 3);
  assert.ok(history[2]!.loss < history[0]!.loss, `training loss fell: ${history.map((h) => h.loss.toFixed(3)).join(' → ')}`);
  const evaluation = JSON.parse(readFileSync(join(dir, 'train/evaluation.json'), 'utf8')) as { accuracy: number; count: number; confusion: number[][] };
  assert.ok(evaluation.accuracy > 0.8, `test accuracy ${evaluation.accuracy}`);
  assert.equal(evaluation.confusion.flat().reduce((a, b) => a + b, 0), evaluation.count, 'the confusion matrix counts every test sample once');
  // The picture of the misclassified test digits: a declared output, hashed in the manifest.
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  assert.match(manifest.stages.train!.outputs['train/misclassified.png']!, /^[0-9a-f]{64}$/);
  const picture = readFileSync(join(dir, 'train/misclassified.png'));
  assert.equal(picture.subarray(1, 4).toString(), 'PNG');

  // A run made before the picture existed: the rerun draws it from the saved model and does not retrain.
  await rm(join(dir, 'train/misclassified.png'));
  delete manifest.stages.train!.outputs['train/misclassified.png'];
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const again = cli(['train', recipe, '--backend', 'wasm', '--train-limit', '2000', '--runs', runs, '--no-progress']);
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /train: drawing train\/misclassified\.png from the stage's finished outputs/);
  assert.match(again.out, /train: up to date, skipped/);
  assert.doesNotMatch(again.out, /epoch 1\//, 'no training epoch ran');
  assert.deepEqual(readFileSync(join(dir, 'train/misclassified.png')), picture, 'the same picture as training drew');
  const after = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  assert.equal(after.stages.train!.outputs['train/model'], manifest.stages.train!.outputs['train/model'], 'the model is the one trained before');
  assert.equal(after.stages.train!.outputs['train/misclassified.png'], createHash('sha256').update(picture).digest('hex'), 'the manifest records the redrawn picture');
  await rm(runs, { recursive: true, force: true });
});

test('publish reruns when its published model is gone from the repository, though nothing else changed', async () => {
  const runs = await mkdtemp(join(tmpdir(), 'onnxline-runs-'));
  const repo = join(runs, 'repo');
  const recipe = new URL('../fixtures/tiny-digits-recipe.ts', import.meta.url).pathname;
  const args = ['pipeline', recipe, '--backend', 'wasm', '--train-limit', '512', '--epochs', '1', '--runs', runs, '--repository', repo, '--no-progress'];
  const first = cli(args);
  assert.equal(first.code, 0, first.out);
  const model = join(repo, 'tiny-digits', '1', 'model.onnx');
  assert.ok(existsSync(model), 'version 1 was published');
  const again = cli(args);
  assert.match(again.out, /publish: up to date, skipped/);
  await rm(join(repo, 'tiny-digits'), { recursive: true });
  const third = cli(args);
  assert.equal(third.code, 0, third.out);
  assert.match(third.out, /train: up to date, skipped/);
  assert.match(third.out, /publish: rerunning: the published model .* is no longer in the repository/);
  assert.ok(existsSync(model), 'the model is published again');
  const otherRepo = cli([...args.slice(0, -3), '--repository', join(runs, 'repo2'), '--no-progress']);
  assert.match(otherRepo.out, /publish: rerunning: it was published to /);
  assert.ok(existsSync(join(runs, 'repo2', 'tiny-digits', '1', 'model.onnx')));
  await rm(runs, { recursive: true, force: true });
});
