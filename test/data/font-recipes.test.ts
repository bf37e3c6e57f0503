/**
 * The `fonts`, `fonts-crnn` and `letters` recipes: parameter counts (S1's 702,948 and budget of
 * 1.2M), tensor names, labels that match their datasets, and that every layer exports: the
 * untrained models (seeded random weights) are saved as model.json, exported from that file the
 * way the export stage does, and compared with tfjs in onnxruntime-node and -web.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { exportAndCompare, randomWeights, runExported, useCpuBackend } from '../export/harness.ts';
import { exportModelJson } from '../../pipeline/export/index.ts';
import { saveLayersModel } from '../../pipeline/tfjs/model-io.ts';
import { FONTS_CNN_PARAMS, trainableParams } from '../../models/fonts-cnn.ts';
import { FONTS_CRNN_PARAMS, FONTS_PARAM_BUDGET, assertParams, fonts, fontsCrnn } from '../../models/fonts.ts';
import { letters } from '../../models/letters.ts';
import { getRecipe } from '../../models/index.ts';
import { datasets } from '../../pipeline/data/registry.ts';
import { LETTERS } from '../../pipeline/data/fonts/render.ts';
import { LETTER_CLASSES } from '../../pipeline/data/fonts/letters.ts';

test('fonts: the S1 CNN with 702,948 parameters, input `image`, output `probabilities`', () => {
  const model = fonts.build();
  assert.equal(trainableParams(model), FONTS_CNN_PARAMS);
  assert.equal(FONTS_CNN_PARAMS, 702_948);
  assert.deepEqual(model.inputs[0]!.shape, [null, 100, 100, 1]);
  assert.deepEqual(model.outputs[0]!.shape, [null, 52]);
  assert.equal(model.layers[0]!.name.replace(/_\d+$/, ''), 'image');
  assert.equal(model.layers[model.layers.length - 1]!.name.replace(/_\d+$/, ''), 'probabilities');
  assert.equal(fonts.train.maxMinutes, 15);
  assert.equal(fonts.train.batchSize, 50);
  assert.deepEqual(fonts.train.optimizer, { name: 'adam', learningRate: 2e-4 });
  assert.equal(fonts.reference?.value, 0.9903);
});

test('fonts-crnn: conv + GRU under the 1.2M budget; the budget check throws', () => {
  const model = fontsCrnn.build();
  assert.equal(trainableParams(model), FONTS_CRNN_PARAMS);
  assert.ok(FONTS_CRNN_PARAMS <= FONTS_PARAM_BUDGET);
  assert.ok(model.layers.some((l) => l.getClassName() === 'GRU'));
  assert.deepEqual(model.outputs[0]!.shape, [null, 52]);
  assert.equal(fontsCrnn.reference?.value, 0.9817);
  assert.throws(() => assertParams(model, 702_948), /411,988 trainable parameters, S1 reports 702,948/);
});

test('recipes are registered, and their labels are their datasets\' classes', () => {
  for (const name of ['fonts', 'fonts-crnn', 'letters']) assert.equal(getRecipe(name).name, name);
  assert.deepEqual(fonts.labels, [...LETTERS]);
  assert.deepEqual(fontsCrnn.labels, [...LETTERS]);
  assert.equal(datasets.fonts.numClasses, 52);
  assert.deepEqual(letters.labels, [...LETTER_CLASSES]);
  assert.equal(datasets.letters.numClasses, letters.labels.length);
  assert.deepEqual(datasets.letters.shape, letters.input.size);
  assert.deepEqual(datasets.fonts.shape, fonts.input.size);
  assert.equal(letters.input.fit, 'mnist-center-of-mass');
  const model = letters.build();
  assert.deepEqual(model.outputs[0]!.shape, [null, 37]);
});

async function exportsFromModelJson(model: tfl.LayersModel, label: string): Promise<void> {
  await useCpuBackend();
  randomWeights(model, 3);
  // the in-memory model, in onnxruntime-node and -web
  const { maxAbsDiff } = await exportAndCompare(model, { label, batch: 2, inputScale: 1, tolerance: 1e-4 });
  assert.ok(maxAbsDiff < 1e-4, `${label}: ${maxAbsDiff}`);
  // and from model.json, as the export stage does (shared layers of fontsCnn() must serialise)
  const dir = await mkdtemp(join(tmpdir(), 'onnxline-font-recipes-'));
  try {
    await saveLayersModel(model, dir);
    const result = await exportModelJson(join(dir, 'model.json'));
    assert.equal(result.io.inputs[0]!.name.replace(/_\d+$/, ''), 'image');
    assert.equal(result.io.outputs.length, 1);
    const x = tf.randomUniform([3, ...(model.inputs[0]!.shape.slice(1) as number[])], 0, 1, 'float32', 5);
    const [got] = await runExported(result, [x]);
    const want = model.predict(x) as tf.Tensor;
    const diff = tf.max(tf.abs(tf.sub(got!, want))).dataSync()[0]!;
    assert.ok(diff < 1e-4, `${label} from model.json: max abs diff ${diff}`);
    tf.dispose([x, got!, want]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('export parity: fonts (S1 CNN, SiLU)', async () => exportsFromModelJson(fonts.build(), 'fonts'));
test('export parity: fonts-crnn (LeakyReLU, Permute, Reshape, GRU)', async () => exportsFromModelJson(fontsCrnn.build(), 'fonts-crnn'));
test('export parity: letters', async () => exportsFromModelJson(letters.build(), 'letters'));
