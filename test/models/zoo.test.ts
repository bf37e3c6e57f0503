/**
 * Every recipe of the zoo is the exporter's real-world test: each model builds, exports, runs in
 * onnxruntime-node and -web with tfjs's outputs, and passes ONNX's own checker. Plus the S3
 * models' wiring: the digit split, the shared tower, and direct digit's computed comparison.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '../../pipeline/tfjs/setup.ts';
import { recipes } from '../../models/index.ts';
import { compareAux, compareDirect } from '../../models/digits-compare.ts';
import { assertCheckerAccepts, exportAndCompare, randomWeights, savedModelPaths, useCpuBackend } from '../export/harness.ts';
import { checkHeads } from '../../pipeline/train/heads.ts';
import { seededRng } from '../../pipeline/data/rng.ts';

await useCpuBackend();

// The sweeps' widest grid points (up to 3.4M parameters, ~0.7 GMAC per image) share their builder
// with the small grid points exported here; running them on the pure-JS cpu backend would cost minutes.
const MAX_PARAMS = 2_000_000;

test('every zoo recipe exports to ONNX that computes what tfjs computes (node and web)', async () => {
  let exported = 0;
  for (const recipe of recipes.values()) {
    const model = recipe.build({ pixelMean: 0.13, pixelStd: 0.3 });
    if (model.countParams() > MAX_PARAMS) {
      model.dispose();
      continue;
    }
    const [h, w, c] = recipe.input.size;
    assert.deepEqual(model.inputs[0]!.shape.slice(1), [h, w, c], `${recipe.name}: the model's input matches recipe.input.size`);
    if (recipe.outputs) {
      const fake = { pixels: new Uint8Array(0), labels: new Int32Array(0), shape: [h, w, c] as [number, number, number], count: 0, labelWidth: Math.max(...recipe.outputs.map((o) => o.column + (o.steps ?? 1))) };
      checkHeads(recipe.outputs, model, fake);
    } else {
      assert.equal(model.outputs[0]!.shape.at(-1), recipe.labels.length, `${recipe.name}: one output per label`);
    }
    // Inputs like real data: pixels in 0..1 (standardising and saturating layers see realistic
    // values), or token ids (small integers) for models whose input is not pixels.
    const rand = seededRng(exported + 1);
    const value = recipe.input.scale === 'none' ? () => Math.floor(rand() * 50) : () => rand();
    const input = tf.tensor4d(Float32Array.from({ length: 2 * h * w * c }, value), [2, h, w, c]);
    const r = await exportAndCompare(model, { inputs: [input], label: recipe.name, tolerance: 1e-4 });
    assert.ok(r.maxAbsDiff <= 1e-4, `${recipe.name}: max |Δ| ${r.maxAbsDiff}`);
    input.dispose();
    model.dispose();
    exported++;
  }
  assert.ok(exported >= 12, `exported ${exported} recipes`);
  assertCheckerAccepts(savedModelPaths());
});

/** Two 14×14×2 pairs: (a, b) and the same digits swapped. */
function pairAndSwapped(seed: number): tf.Tensor4D {
  const rand = seededRng(seed);
  const a = Array.from({ length: 196 }, () => rand());
  const b = Array.from({ length: 196 }, () => rand());
  const data: number[] = [];
  for (const [x, y] of [[a, b], [b, a]] as const) for (let i = 0; i < 196; i++) data.push(x[i]!, y[i]!);
  return tf.tensor4d(data, [2, 14, 14, 2]);
}

test('S3 weight sharing: one tower reads channel 0 as digit 1 and channel 1 as digit 2', () => {
  const model = compareAux.build({ pixelMean: 0.1, pixelStd: 0.3 });
  randomWeights(model, 3);
  const x = pairAndSwapped(9);
  const [, d1, d2] = (model.predict(x) as tf.Tensor[]).map((t) => t.arraySync() as number[][]);
  // Swapping the two digits swaps the two digit outputs, exactly: the tower's weights are shared.
  for (let k = 0; k < 10; k++) {
    assert.ok(Math.abs(d1![0]![k]! - d2![1]![k]!) < 1e-6);
    assert.ok(Math.abs(d2![0]![k]! - d1![1]![k]!) < 1e-6);
  }
  assert.ok(d1![0]!.some((v, k) => Math.abs(v - d2![0]![k]!) > 1e-4), 'the two digits are read from different channels');
  x.dispose();
  model.dispose();
});

test('S3 direct digit: the compare output is [1 − P, P] with P = P(digit 1 ≤ digit 2) from its own digit outputs', () => {
  const model: tfl.LayersModel = compareDirect.build({ pixelMean: 0.1, pixelStd: 0.3 });
  randomWeights(model, 5);
  // randomWeights overwrote the fixed layers too: rebuild them from a fresh model's values.
  const fresh = compareDirect.build();
  for (const name of ['at_least', 'compare']) model.getLayer(name).setWeights(fresh.getLayer(name).getWeights());
  fresh.dispose();
  const x = pairAndSwapped(4);
  const [cmp, d1, d2] = (model.predict(x) as tf.Tensor[]).map((t) => t.arraySync() as number[][]);
  for (let s = 0; s < 2; s++) {
    let p = 0;
    for (let i = 0; i < 10; i++) for (let j = i; j < 10; j++) p += d1![s]![i]! * d2![s]![j]!;
    assert.ok(Math.abs(cmp![s]![1]! - p) < 1e-5, `P = ${cmp![s]![1]} vs ${p}`);
    assert.ok(Math.abs(cmp![s]![0]! + cmp![s]![1]! - 1) < 1e-6);
  }
  assert.equal(model.getLayer('at_least').trainable, false);
  x.dispose();
  model.dispose();
});

test('S0 letters-sort survives model.json: the decoder still starts from the encoder states after a save and load', async () => {
  const { lettersSort } = await import('../../models/letters-sort.ts');
  const { saveLayersModel, loadLayersModel } = await import('../../pipeline/tfjs/model-io.ts');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const model = lettersSort.build();
  randomWeights(model, 11);
  const dir = await mkdtemp(join(tmpdir(), 'onnxline-zoo-'));
  await saveLayersModel(model, dir);
  const loaded = await loadLayersModel(join(dir, 'model.json'));
  const rand = seededRng(3);
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 280 * 28 }, () => rand()), [2, 280, 28, 1]);
  const a = (model.predict(x) as tf.Tensor).dataSync();
  const b = (loaded.predict(x) as tf.Tensor).dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst < 1e-6, `reloaded model differs by ${worst}`);
  // The decoder's outputs depend on the encoder: two different inputs give different token distributions.
  const y = (model.predict(x) as tf.Tensor).arraySync() as number[][][];
  assert.ok(y[0]![0]!.some((v, k) => Math.abs(v - y[1]![0]![k]!) > 1e-4), 'the first decoded step depends on the images');
  tf.dispose(x);
  model.dispose();
  loaded.dispose();
  await rm(dir, { recursive: true, force: true });
});
