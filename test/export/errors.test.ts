/**
 * The exporter refuses what it cannot export faithfully, with a message naming the layer, its
 * class and the option — never a silently different graph.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { exportLayersModel, UnsupportedLayerError } from '../../pipeline/export/index.ts';
import { useCpuBackend } from './harness.ts';

type ST = tfl.SymbolicTensor;
const L = tfl.layers;

function chain(shape: number[], ...layers: tfl.layers.Layer[]): tfl.LayersModel {
  const input = tfl.input({ shape });
  let x: ST = input;
  for (const l of layers) x = l.apply(x) as ST;
  return tfl.model({ inputs: input, outputs: x });
}

/** Asserts that exporting throws an UnsupportedLayerError whose message names all of `parts`. */
function assertRefused(model: tfl.LayersModel, layerName: string, className: string, option: string, parts: string[] = []): void {
  assert.throws(
    () => exportLayersModel(model),
    (err: unknown) => {
      assert.ok(err instanceof UnsupportedLayerError, `expected UnsupportedLayerError, got ${String(err)}`);
      assert.equal(err.layerName, layerName);
      assert.equal(err.className, className);
      assert.equal(err.option, option);
      for (const p of [`layer "${layerName}"`, `(${className})`, ...(option === 'className' ? [] : [option]), ...parts]) assert.ok(err.message.includes(p), `message lacks "${p}": ${err.message}`);
      return true;
    },
  );
}

class Mystery extends tfl.layers.Layer {
  static className = 'Mystery';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? inputs[0]! : inputs;
  }
}
tf.serialization.registerClass(Mystery);

test('an unknown layer class is refused, naming the class', async () => {
  await useCpuBackend();
  const m = chain([4], new Mystery({ name: 'mystery_1' }), L.dense({ units: 2 }));
  assertRefused(m, 'mystery_1', 'Mystery', 'className', ['is not supported', 'Dense']);
});

test('Conv2D dataFormat channelsFirst is refused', async () => {
  await useCpuBackend();
  const m = chain([3, 8, 8], L.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst', name: 'conv2d_3' }));
  assertRefused(m, 'conv2d_3', 'Conv2D', 'dataFormat', ['"channelsFirst" is not supported', 'nchwInput']);
});

test('BatchNormalization on a non-channel axis is refused', async () => {
  await useCpuBackend();
  const m = chain([4, 4, 2], L.batchNormalization({ axis: 1, name: 'bn_h' }));
  assertRefused(m, 'bn_h', 'BatchNormalization', 'axis');
});

test('DepthwiseConv2D with dilation is refused (tfjs ignores it, Keras does not)', async () => {
  await useCpuBackend();
  const m = chain([7, 7, 2], L.depthwiseConv2d({ kernelSize: 3, dilationRate: 2, padding: 'same', name: 'dw_dilated' }));
  assertRefused(m, 'dw_dilated', 'DepthwiseConv2D', 'dilationRate', ['ignores dilationRate']);
});

test('LayerNormalization over a non-trailing axis is refused', async () => {
  await useCpuBackend();
  const m = chain([3, 4], L.layerNormalization({ axis: 1, name: 'ln_time' }));
  assertRefused(m, 'ln_time', 'LayerNormalization', 'axis', ['trailing']);
});

test('an option the converter does not know is refused, not ignored', async () => {
  await useCpuBackend();
  const dense = L.dense({ units: 2, name: 'dense_odd' });
  const m = chain([4], dense);
  const original = dense.getConfig.bind(dense);
  dense.getConfig = () => ({ ...original(), kernelQuantization: 'int4' });
  assertRefused(m, 'dense_odd', 'Dense', 'kernelQuantization', ['"int4"']);
});

test('a layer inside a nested model is named with its path', async () => {
  await useCpuBackend();
  const inner = tfl.sequential({ name: 'backbone', layers: [L.conv2d({ inputShape: [3, 6, 6], filters: 2, kernelSize: 3, dataFormat: 'channelsFirst', name: 'conv_cf' })] });
  const input = tfl.input({ shape: [3, 6, 6] });
  const m = tfl.model({ inputs: input, outputs: inner.apply(input) as ST });
  assertRefused(m, 'backbone/conv_cf', 'Conv2D', 'dataFormat');
});

test('opsets outside 13..21 and unknown optimizations are refused', async () => {
  await useCpuBackend();
  const m = chain([4], L.dense({ units: 2 }));
  assert.throws(() => exportLayersModel(m, { opset: 12 }), /opset 12 is not supported: choose an opset from 13 to 21/);
  assert.throws(() => exportLayersModel(m, { opset: 22 }), /opset 22 is not supported/);
  assert.throws(() => exportLayersModel(m, { optimize: { foldEverything: true } as never }), /unknown optimization "foldEverything"/);
});
