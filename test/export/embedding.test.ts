/**
 * Embedding export: Gather over the token ids, with the ONNX input keeping the tfjs input dtype
 * (float32 by default → Cast to int64 in the graph; int32 → fed to Gather as is).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { exportLayersModel } from '../../pipeline/export/index.ts';
import { DataType } from '../../pipeline/export/graph.ts';
import { decodeModel } from '../../pipeline/export/encode.ts';
import { assertCheckerAccepts, exportAndCompare, randomWeights, savedModelPaths } from './harness.ts';

type LstmArgs = Parameters<typeof tfl.layers.lstm>[0];

function lstm(args: Partial<LstmArgs>): tfl.layers.Layer {
  // glorotUniform: tfjs' default "orthogonal" needs tfjs-core chained ops (registered only by @tensorflow/tfjs).
  return tfl.layers.lstm({ recurrentInitializer: 'glorotUniform', ...args } as LstmArgs);
}

function build(name: string, input: tfl.SymbolicTensor, layers: tfl.layers.Layer[], seed = 1): tfl.LayersModel {
  let y: tfl.SymbolicTensor = input;
  for (const l of layers) y = l.apply(y) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: y, name });
  randomWeights(model, seed);
  return model;
}

function graphOf(bytes: Uint8Array): { inputType: number; ops: string[] } {
  const g = decodeModel(bytes).graph;
  return { inputType: g.input[0].type.tensor_type.elem_type as number, ops: (g.node as { op_type: string }[]).map((n) => n.op_type) };
}

const worst: Record<string, number> = {};
after(() => {
  console.log(`embedding: max abs diff per case ${JSON.stringify(worst)}`);
  assertCheckerAccepts(savedModelPaths());
});

describe('Embedding', () => {
  it('float32 input (tfjs default) → Cast + Gather; ONNX input stays float', async () => {
    const model = build('emb_float', tfl.input({ shape: [6] }), [tfl.layers.embedding({ inputDim: 10, outputDim: 4 })]);
    const r = await exportAndCompare(model, { label: 'emb_float', intInputs: true, intMax: 10 });
    worst['float'] = r.maxAbsDiff;
    const g = graphOf(r.bytes);
    assert.equal(g.inputType, DataType.FLOAT);
    assert.ok(g.ops.includes('Cast') && g.ops.includes('Gather'), g.ops.join(','));
    assert.equal(r.maxAbsDiff, 0, 'a gather is exact');
  });

  it('int32 input → Gather directly on int32 ids', async () => {
    const model = build('emb_int32', tfl.input({ shape: [5], dtype: 'int32' }), [tfl.layers.embedding({ inputDim: 12, outputDim: 3, inputLength: 5 })], 2);
    const r = await exportAndCompare(model, { label: 'emb_int32', intMax: 12 });
    const g = graphOf(r.bytes);
    assert.equal(g.inputType, DataType.INT32);
    assert.ok(!g.ops.includes('Cast'), g.ops.join(','));
    assert.equal(r.maxAbsDiff, 0);
  });

  it('null sequence length, rank-3 ids [B, T, 2]', async () => {
    const model = build('emb_rank3', tfl.input({ shape: [null, 2] }), [tfl.layers.embedding({ inputDim: 7, outputDim: 3 })], 3);
    const r = await exportAndCompare(model, { label: 'emb_rank3', intInputs: true, intMax: 7, freeDim: 4 });
    assert.equal(r.maxAbsDiff, 0);
  });

  for (const opset of [13, 17]) {
    it(`Embedding → LSTM → Dense (opset ${opset}, dynamic length 3 and 8)`, async () => {
      const model = build(
        `emb_lstm_dense_${opset}`,
        tfl.input({ shape: [null] }),
        [tfl.layers.embedding({ inputDim: 20, outputDim: 6 }), lstm({ units: 5 }), tfl.layers.dense({ units: 3, activation: 'softmax' })],
        4,
      );
      const a = await exportAndCompare(model, { label: `emb_lstm_dense_${opset}_t3`, intInputs: true, intMax: 20, freeDim: 3, exportOptions: { opset } });
      const b = await exportAndCompare(model, { label: `emb_lstm_dense_${opset}_t8`, intInputs: true, intMax: 20, freeDim: 8, exportOptions: { opset } });
      worst[`lstm_opset${opset}`] = Math.max(a.maxAbsDiff, b.maxAbsDiff);
    });
  }

  it('Embedding → Bidirectional(GRU) → Dense', async () => {
    const gru = tfl.layers.gru({ units: 4, recurrentInitializer: 'glorotUniform' }) as unknown as Parameters<typeof tfl.layers.bidirectional>[0]['layer'];
    const model = build('emb_bigru', tfl.input({ shape: [7] }), [tfl.layers.embedding({ inputDim: 15, outputDim: 5 }), tfl.layers.bidirectional({ layer: gru }), tfl.layers.dense({ units: 2 })], 5);
    worst['bigru'] = (await exportAndCompare(model, { label: 'emb_bigru', intInputs: true, intMax: 15 })).maxAbsDiff;
  });

  it('maskZero: true is refused, naming the layer, class and option', () => {
    const model = build('emb_mask', tfl.input({ shape: [6] }), [tfl.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, name: 'masked_tokens' }), lstm({ units: 3 })]);
    assert.throws(() => exportLayersModel(model), (e: Error) => /masked_tokens/.test(e.message) && /Embedding/.test(e.message) && /maskZero/.test(e.message));
  });
});
