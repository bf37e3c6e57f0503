/**
 * Bidirectional and TimeDistributed export parity (tfjs vs onnxruntime-node, ≤ 1e-5 × output
 * scale), each exported model checked by ONNX's checker at the end.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { exportLayersModel } from '../../pipeline/export/index.ts';
import { assertCheckerAccepts, chain, exportAndCompare, opTypes, randomWeights, savedModelPaths } from './harness.ts';

type RnnKind = 'simpleRNN' | 'lstm' | 'gru';
type RnnArgs = Parameters<typeof tfl.layers.lstm>[0];
type BidiArgs = Parameters<typeof tfl.layers.bidirectional>[0];
type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

/** A recurrent layer; glorotUniform because tfjs' default "orthogonal" needs tfjs-core chained ops. */
function rnnLayer(kind: RnnKind, args: Partial<RnnArgs>): BidiArgs['layer'] {
  const full = { recurrentInitializer: 'glorotUniform', ...args } as RnnArgs;
  const l = kind === 'lstm' ? tfl.layers.lstm(full) : kind === 'gru' ? tfl.layers.gru(full) : tfl.layers.simpleRNN(full);
  return l as unknown as BidiArgs['layer'];
}

function bidi(kind: RnnKind, mergeMode: MergeMode, args: Partial<RnnArgs>, name?: string): tfl.layers.Layer {
  return tfl.layers.bidirectional({ layer: rnnLayer(kind, args), mergeMode: mergeMode as BidiArgs['mergeMode'], ...(name ? { name } : {}) });
}



const worst: Record<string, number> = {};
function record(group: string, diff: number): void {
  worst[group] = Math.max(worst[group] ?? 0, diff);
}

after(() => {
  console.log(`wrappers: max abs diff per group ${JSON.stringify(worst)}`);
  assertCheckerAccepts(savedModelPaths());
});

const MODES: MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];

describe('Bidirectional: merge mode × returnSequences', () => {
  for (const mode of MODES) {
    for (const returnSequences of [false, true]) {
      const label = `bidi_lstm_${mode}_seq${+returnSequences}`;
      it(label, async () => {
        const model = chain(label, [6, 4], [bidi('lstm', mode, { units: 5, returnSequences })]);
        assert.equal(model.outputs.length, mode === null ? 2 : 1);
        const r = await exportAndCompare(model, { label, web: true });
        record('lstm', Math.max(r.maxAbsDiff, r.maxAbsDiffWeb ?? 0));
        const ops = opTypes(r.bytes);
        assert.equal(ops.filter((o) => o === 'LSTM').length, 1, `one bidirectional LSTM op: ${ops.join(',')}`);
      });
    }
  }
  for (const kind of ['gru', 'simpleRNN'] as const) {
    for (const mode of ['concat', 'ave'] as const) {
      for (const returnSequences of [false, true]) {
        const label = `bidi_${kind}_${mode}_seq${+returnSequences}`;
        it(label, async () => {
          const model = chain(label, [5, 3], [bidi(kind, mode, { units: 4, returnSequences, activation: kind === 'simpleRNN' ? 'relu' : 'tanh' })], 2);
          record(kind, (await exportAndCompare(model, { label })).maxAbsDiff);
        });
      }
    }
  }
});

describe('Bidirectional: states, goBackwards, dynamic time, opsets', () => {
  for (const mode of ['concat', null] as const) {
    for (const returnSequences of [false, true]) {
      const label = `bidi_lstm_state_${mode}_seq${+returnSequences}`;
      it(label, async () => {
        const model = chain(label, [5, 3], [bidi('lstm', mode, { units: 4, returnSequences, returnState: true })], 3);
        assert.equal(model.outputs.length, (mode === null ? 2 : 1) + 4);
        record('state', (await exportAndCompare(model, { label })).maxAbsDiff);
      });
    }
  }

  it('GRU returnState, merge sum', async () => {
    const model = chain('bidi_gru_state', [5, 3], [bidi('gru', 'sum', { units: 4, returnSequences: true, returnState: true })], 4);
    record('state', (await exportAndCompare(model, { label: 'bidi_gru_state' })).maxAbsDiff);
  });

  for (const returnSequences of [false, true]) {
    it(`wrapped layer with goBackwards: true (seq ${returnSequences})`, async () => {
      const label = `bidi_wrapped_backwards_seq${+returnSequences}`;
      const model = chain(label, [6, 3], [bidi('lstm', 'concat', { units: 4, returnSequences, goBackwards: true, returnState: true })], 5);
      record('goBackwards', (await exportAndCompare(model, { label })).maxAbsDiff);
    });
  }

  it('initial states [forward h, c, backward h, c] from inputs', async () => {
    const x = tfl.input({ shape: [5, 3] });
    const states = [0, 1, 2, 3].map(() => tfl.input({ shape: [4] }));
    const y = bidi('lstm', 'concat', { units: 4, returnSequences: true }).apply(x, { initialState: states }) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [x, ...states], outputs: y, name: 'bidi_initial_state' });
    randomWeights(model, 6);
    record('initialState', (await exportAndCompare(model, { label: 'bidi_initial_state' })).maxAbsDiff);
  });

  it('null timesteps: one export runs on T=2 and T=9; stacked Bidirectional → LSTM', async () => {
    const model = chain('bidi_dynamic', [null, 4], [bidi('lstm', 'concat', { units: 5, returnSequences: true }), bidi('gru', 'mul', { units: 3 }), tfl.layers.dense({ units: 2 })], 7);
    const a = await exportAndCompare(model, { label: 'bidi_dynamic_t2', freeDim: 2 });
    const b = await exportAndCompare(model, { label: 'bidi_dynamic_t9', freeDim: 9 });
    record('dynamicT', Math.max(a.maxAbsDiff, b.maxAbsDiff));
  });

  for (const opset of [13, 17]) {
    for (const mode of ['mul', 'ave', 'sum'] as const) {
      it(`merge ${mode} at opset ${opset}`, async () => {
        const label = `bidi_${mode}_opset${opset}`;
        const model = chain(label, [5, 3], [bidi('gru', mode, { units: 4, returnSequences: true })], 8);
        record(`opset${opset}`, (await exportAndCompare(model, { label, exportOptions: { opset } })).maxAbsDiff);
      });
    }
  }

  it('stateful inner layer is refused with the Bidirectional layer, class and option named', () => {
    const x = tfl.input({ batchShape: [2, 5, 3] });
    const layer = bidi('lstm', 'concat', { units: 4, stateful: true }, 'bidi_stateful');
    const model = tfl.model({ inputs: x, outputs: layer.apply(x) as tfl.SymbolicTensor });
    assert.throws(() => exportLayersModel(model), (e: Error) => /bidi_stateful/.test(e.message) && /Bidirectional/.test(e.message) && /stateful/.test(e.message));
  });
});

describe('TimeDistributed', () => {
  it('Dense over [B, T, F]', async () => {
    const model = chain('td_dense', [6, 4], [tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 3, activation: 'relu' }) })]);
    record('td', (await exportAndCompare(model, { label: 'td_dense' })).maxAbsDiff);
  });

  it('Dense over [B, T, 2, 4] (rank 4) with null time', async () => {
    const model = chain('td_dense_rank4', [null, 2, 4], [tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 3 }) })], 2);
    record('td', (await exportAndCompare(model, { label: 'td_dense_rank4', freeDim: 7 })).maxAbsDiff);
  });

  it('Conv2D over [B, T, H, W, C]', async () => {
    const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' });
    const model = chain('td_conv2d', [3, 8, 8, 2], [tfl.layers.timeDistributed({ layer: conv })], 3);
    record('td', (await exportAndCompare(model, { label: 'td_conv2d' })).maxAbsDiff);
  });

  it('Conv2D with null time and spatial sizes (shape read at run time)', async () => {
    const conv = tfl.layers.conv2d({ filters: 3, kernelSize: 2, strides: 2 });
    const model = chain('td_conv2d_dynamic', [null, null, null, 2], [tfl.layers.timeDistributed({ layer: conv })], 4);
    const r = await exportAndCompare(model, { label: 'td_conv2d_dynamic', freeDim: 6 });
    assert.ok(opTypes(r.bytes).includes('Shape'), 'unknown sizes come from Shape');
    record('td', r.maxAbsDiff);
  });

  it('nested ResNet-like model (Conv2D + BN + Add + AveragePooling) per frame → LSTM → Dense', async () => {
    const fin = tfl.input({ shape: [8, 8, 3] });
    const c1 = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(fin) as tfl.SymbolicTensor;
    const bn = tfl.layers.batchNormalization().apply(c1) as tfl.SymbolicTensor;
    const act = tfl.layers.activation({ activation: 'relu' }).apply(bn) as tfl.SymbolicTensor;
    const c2 = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(act) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([c1, c2]) as tfl.SymbolicTensor;
    const pool = tfl.layers.averagePooling2d({ poolSize: 2 }).apply(sum) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(pool) as tfl.SymbolicTensor;
    const frame = tfl.model({ inputs: fin, outputs: flat, name: 'frame_cnn' });

    const x = tfl.input({ shape: [null, 8, 8, 3] });
    const perFrame = tfl.layers.timeDistributed({ layer: frame }).apply(x) as tfl.SymbolicTensor;
    const seq = rnnLayer('lstm', { units: 5 }).apply(perFrame) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 2, activation: 'softmax' }).apply(seq) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: x, outputs: out, name: 'td_nested_cnn_lstm' });
    randomWeights(model, 5);
    const a = await exportAndCompare(model, { label: 'td_nested_cnn_lstm_t3', freeDim: 3, web: true });
    const b = await exportAndCompare(model, { label: 'td_nested_cnn_lstm_t6', freeDim: 6, batch: 3 });
    record('tdNested', Math.max(a.maxAbsDiff, b.maxAbsDiff));
    const ops = opTypes(a.bytes);
    assert.ok(ops.includes('Conv') && ops.includes('LSTM'), ops.join(','));
  });

  it('Bidirectional inside TimeDistributed is not needed, but TimeDistributed(Dense) after Bidirectional works', async () => {
    const model = chain('bidi_td', [null, 3], [bidi('gru', 'concat', { units: 4, returnSequences: true }), tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 2 }) })], 6);
    record('td', (await exportAndCompare(model, { label: 'bidi_td', freeDim: 4 })).maxAbsDiff);
  });
});
