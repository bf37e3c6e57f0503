/**
 * Every opset from 13 to 21 on a model using the ops whose signatures changed across opsets
 * (reductions, LayerNormalization, Gelu/Mish, Resize, Pad): parity with tfjs in onnxruntime.
 * (The checker test lives in layers.test.ts: the installed onnx 1.12 only knows opsets ≤ 17.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { exportAndCompare, randomWeights, useCpuBackend } from './harness.ts';

type ST = tfl.SymbolicTensor;
const L = tfl.layers;

function opsetModel(): tfl.LayersModel {
  const img = tfl.input({ shape: [6, 6, 2] });
  let x = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'gelu' as 'relu' }).apply(img) as ST;
  x = L.zeroPadding2d({ padding: 1 }).apply(x) as ST;
  x = L.upSampling2d({ size: [2, 2] }).apply(x) as ST;
  x = L.globalAveragePooling2d({}).apply(x) as ST;
  const seq = tfl.input({ shape: [3, 4] });
  let s = L.layerNormalization({}).apply(seq) as ST;
  s = L.softmax({ axis: [1, 2] as unknown as number }).apply(s) as ST;
  s = L.globalMaxPooling1d({}).apply(s) as ST;
  const d = L.dot({ axes: 1, normalize: true }).apply([L.dense({ units: 4, activation: 'mish' as 'relu' }).apply(x) as ST, L.dense({ units: 4 }).apply(s) as ST]) as ST;
  return tfl.model({ inputs: [img, seq], outputs: [d, L.dense({ units: 3, activation: 'gelu_new' as 'relu' }).apply(x) as ST] });
}

for (const opset of [13, 14, 15, 16, 17, 18, 19, 20, 21]) {
  test(`opset ${opset}: reductions, LayerNormalization, Gelu, Mish, Resize, Pad`, async () => {
    await useCpuBackend();
    const m = opsetModel();
    randomWeights(m, opset);
    const r = await exportAndCompare(m, { label: `opset ${opset}`, exportOptions: { opset }, tolerance: 1e-4 });
    assert.equal(r.summary.opset, opset);
    assert.equal(r.summary.ops['LayerNormalization'] ?? 0, opset >= 17 ? 1 : 0);
    assert.equal(r.summary.ops['Gelu'] ?? 0, opset >= 20 ? 2 : 0);
    assert.equal(r.summary.ops['Mish'] ?? 0, opset >= 18 ? 1 : 0);
  });
}
