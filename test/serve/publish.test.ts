/**
 * The publish stage: refuses an unblessed model, publishes a blessed one as the next integer
 * version with config.json and a Triton config.pbtxt, and is idempotent for unchanged bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { publishStage } from '../../pipeline/stages/publish.ts';
import { stages } from '../../pipeline/stages/index.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../pipeline/runner/atomic.ts';
import type { StageContext } from '../../pipeline/runner/stage.ts';
import { NotBlessedError, publishModel } from '../../pipeline/publish/publish.ts';
import { DIGIT_LABELS, digitsModel, tempDir, typesModel } from './fixtures.ts';

/** A stage context over a temporary run directory holding validate/model.onnx and validate/report.json. */
async function context(runDir: string, repositoryRoot: string, bytes: Uint8Array, report: unknown): Promise<StageContext> {
  await writeFileAtomic(join(runDir, 'validate/model.onnx'), bytes);
  await writeJsonAtomic(join(runDir, 'validate/report.json'), report);
  const logs: string[] = [];
  return {
    runDir,
    path: (rel: string) => join(runDir, rel),
    log: (l: string) => logs.push(l),
    options: { repositoryRoot, runsRoot: runDir, seed: 1, backend: 'cpu', force: false, log: () => undefined },
    config: { recipe: 'digits' },
  } as unknown as StageContext;
}

test('publish is registered as a stage', () => {
  assert.equal(stages.get('publish'), publishStage);
  assert.deepEqual(publishStage.inputs({} as never), ['validate/model.onnx', 'validate/report.json']);
});

test('publish refuses an unblessed model and writes nothing', async () => {
  const t = tempDir('onnxline-publish-');
  try {
    const repo = join(t.dir, 'repo');
    const ctx = await context(join(t.dir, 'run'), repo, digitsModel(1), { blessed: false, reasons: ['top-1 agreement 91% < 99%'] });
    await assert.rejects(publishStage.run(ctx), (err: Error) => {
      assert.ok(err instanceof NotBlessedError);
      assert.match(err.message, /refusing to publish "digits": validation did not bless this model: top-1 agreement 91% < 99%/);
      return true;
    });
    assert.equal(existsSync(repo), false, 'nothing was written to the repository');
  } finally {
    t.cleanup();
  }
});

test('publish writes version 1, then 2 for new bytes, and nothing new for the same bytes', async () => {
  const t = tempDir('onnxline-publish-');
  try {
    const repo = join(t.dir, 'repo');
    const ctx = await context(join(t.dir, 'run'), repo, digitsModel(1), { blessed: true, reasons: [] });
    const first = await publishStage.run(ctx);
    assert.deepEqual({ version: first.version, created: first.created }, { version: 1, created: true });
    assert.ok(readFileSync(join(repo, 'digits/1/model.onnx')).equals(Buffer.from(digitsModel(1))));
    const again = await publishStage.run(ctx);
    assert.deepEqual({ version: again.version, created: again.created }, { version: 1, created: false });
    const ctx2 = await context(join(t.dir, 'run'), repo, digitsModel(2), { blessed: true });
    const second = await publishStage.run(ctx2);
    assert.equal(second.version, 2);
    assert.deepEqual(readdirSync(join(repo, 'digits')).sort(), ['1', '2', 'config.json', 'config.pbtxt'], 'no temporary files left behind');
    const published = JSON.parse(readFileSync(join(t.dir, 'run/publish/published.json'), 'utf8'));
    assert.equal(published.version, 2);

    const config = JSON.parse(readFileSync(join(repo, 'digits/config.json'), 'utf8'));
    assert.equal(config.platform, 'onnxruntime_onnx');
    assert.deepEqual(config.labels, DIGIT_LABELS);
    assert.deepEqual(config.inputs, [{ name: 'image', datatype: 'FP32', shape: [-1, 28, 28, 1] }]);
    assert.deepEqual(config.outputs, [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 10] }]);
    assert.equal(config.preprocessing.fit, 'mnist-center-of-mass');
    assert.equal(config.max_batch_size, 32);
    assert.equal(typeof config.dynamic_batching.max_queue_delay_microseconds, 'number');

    const pbtxt = readFileSync(join(repo, 'digits/config.pbtxt'), 'utf8');
    assert.match(pbtxt, /^name: "digits"$/m);
    assert.match(pbtxt, /^platform: "onnxruntime_onnx"$/m);
    assert.match(pbtxt, /^max_batch_size: 32$/m);
    assert.match(pbtxt, /name: "image"\n\s+data_type: TYPE_FP32\n\s+dims: \[ 28, 28, 1 \]/, 'dims leave out the batch dimension');
    assert.match(pbtxt, /name: "probabilities"\n\s+data_type: TYPE_FP32\n\s+dims: \[ 10 \]/);
    assert.match(pbtxt, /dynamic_batching \{\n\s+max_queue_delay_microseconds: \d+/);
  } finally {
    t.cleanup();
  }
});

test('publishing describes INT64/BOOL tensors in Triton types, and rejects names outside the repository', async () => {
  const t = tempDir('onnxline-publish-');
  try {
    await publishModel({ repositoryRoot: t.dir, name: 'types', bytes: typesModel(), report: { blessed: true } });
    const pbtxt = readFileSync(join(t.dir, 'types/config.pbtxt'), 'utf8');
    assert.match(pbtxt, /name: "x"\n\s+data_type: TYPE_INT64\n\s+dims: \[ 3 \]/);
    assert.match(pbtxt, /name: "flag"\n\s+data_type: TYPE_BOOL/);
    // A hand-tuned queue in config.json survives republishing.
    const path = join(t.dir, 'types/config.json');
    const tuned = { ...JSON.parse(readFileSync(path, 'utf8')), max_batch_size: 8, dynamic_batching: { max_queue_delay_microseconds: 2000, max_queue_size: 9 } };
    await writeJsonAtomic(path, tuned);
    const again = await publishModel({ repositoryRoot: t.dir, name: 'types', bytes: digitsModel(5), report: { blessed: true } });
    assert.equal(again.version, 2);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).dynamic_batching, { max_queue_delay_microseconds: 2000, max_queue_size: 9 });
    assert.match(readFileSync(join(t.dir, 'types/config.pbtxt'), 'utf8'), /max_batch_size: 8/);
    await assert.rejects(publishModel({ repositoryRoot: t.dir, name: '../escape', bytes: typesModel(), report: { blessed: true } }), /cannot publish a model named "\.\.\/escape"/);
  } finally {
    t.cleanup();
  }
});
