/**
 * The S2 text recipes export to ONNX that computes what tfjs computes, fed as the pipeline feeds
 * them: integer token ids (as float32, shape [batch, length, 1, 1]) spanning the whole vocabulary —
 * padding (0), unknown (1) and the largest id — not the 0..1 pixels of image models.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import '../../pipeline/tfjs/setup.ts';
import { textRecipes } from '../../models/text.ts';
import { tokenVocabularySize } from '../../pipeline/data/text/tokenize.ts';
import { textDatasetOptions } from '../../pipeline/data/text/debian-packages.ts';
import { seededRng } from '../../pipeline/data/rng.ts';
import { assertCheckerAccepts, exportAndCompare, useCpuBackend } from '../export/harness.ts';

await useCpuBackend();

const hasOnnxChecker = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
const paths: string[] = [];

/** Four samples: random ids, an all-padding one, a front-padded short one, one with the largest id and unknowns. */
function tokenBatch(length: number, vocab: number, seed: number): tf.Tensor4D {
  const rand = seededRng(seed);
  const rows: number[][] = [
    Array.from({ length }, () => Math.floor(rand() * vocab)),
    new Array(length).fill(0),
    Array.from({ length }, (_, i) => (i < length - 3 ? 0 : 2 + Math.floor(rand() * (vocab - 2)))),
    Array.from({ length }, (_, i) => (i % 2 ? vocab - 1 : 1)),
  ];
  return tf.tensor4d(Float32Array.from(rows.flat()), [rows.length, length, 1, 1]);
}

for (const [k, recipe] of textRecipes.entries()) {
  test(`${recipe.name} exports to ONNX matching tfjs on integer token ids`, async () => {
    const o = textDatasetOptions(recipe.data.options);
    const vocab = tokenVocabularySize(o.level, o.vocab);
    const model = recipe.build();
    assert.deepEqual(model.inputs[0]!.shape, [null, o.length, 1, 1]);
    assert.equal(model.outputs[0]!.shape.at(-1), recipe.labels.length);
    const input = tokenBatch(o.length, vocab, k + 1);
    const tfjs = (model.predict(input) as tf.Tensor).arraySync() as number[][];
    const r = await exportAndCompare(model, { inputs: [input], label: recipe.name, tolerance: 1e-4 });
    assert.ok(r.maxAbsDiff <= 1e-4, `${recipe.name}: max |Δ| ${r.maxAbsDiff}`);
    assert.ok(tfjs.every((p) => Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5), 'softmax rows sum to 1');
    paths.push(r.path);
    input.dispose();
    model.dispose();
  });
}

test('ONNX checker accepts the text models', { skip: hasOnnxChecker ? false : 'python3-onnx is not installed' }, () => {
  assert.equal(paths.length, textRecipes.length);
  assertCheckerAccepts(paths);
});
