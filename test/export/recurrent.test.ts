/**
 * SimpleRNN / LSTM / GRU export parity: each case is a tiny tfjs model with seeded random weights,
 * exported, run in tfjs and onnxruntime-node on the same random inputs (max abs diff ≤ 1e-5 ×
 * output scale), and every exported model goes through ONNX's checker at the end.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tfl from '@tensorflow/tfjs-layers';
import { exportLayersModel } from '../../pipeline/export/index.ts';
import { decodeModel } from '../../pipeline/export/encode.ts';
import { assertCheckerAccepts, chain, exportAndCompare, opTypes, randomWeights, savedModelPaths } from './harness.ts';

type RnnKind = 'simpleRNN' | 'lstm' | 'gru';
type RnnArgs = Parameters<typeof tfl.layers.lstm>[0];

/**
 * A recurrent layer of `kind`. tfjs' default recurrent initializer ("orthogonal") needs tfjs-core's
 * chained ops, which only the @tensorflow/tfjs umbrella package registers; the weights are replaced
 * by seeded random values anyway, so the tests use glorotUniform.
 */
function rnnLayer(kind: RnnKind, args: Partial<RnnArgs>): tfl.layers.Layer {
  const full = { recurrentInitializer: 'glorotUniform', ...args } as RnnArgs;
  return kind === 'lstm' ? tfl.layers.lstm(full) : kind === 'gru' ? tfl.layers.gru(full) : tfl.layers.simpleRNN(full);
}



const KINDS: RnnKind[] = ['simpleRNN', 'lstm', 'gru'];
const ONNX_OP: Record<RnnKind, string> = { simpleRNN: 'RNN', lstm: 'LSTM', gru: 'GRU' };
const worst: Record<string, number> = {};

after(() => {
  console.log(`recurrent: max abs diff per group ${JSON.stringify(worst)}`);
  assertCheckerAccepts(savedModelPaths());
});

function record(group: string, diff: number): void {
  worst[group] = Math.max(worst[group] ?? 0, diff);
}

describe('SimpleRNN / LSTM / GRU: returnSequences × goBackwards × useBias', () => {
  for (const kind of KINDS) {
    for (const returnSequences of [false, true]) {
      for (const goBackwards of [false, true]) {
        for (const useBias of [true, false]) {
          const label = `${kind}_seq${+returnSequences}_back${+goBackwards}_bias${+useBias}`;
          it(label, async () => {
            const model = chain(label, [6, 4], [rnnLayer(kind, { units: 5, returnSequences, goBackwards, useBias })]);
            // onnxruntime-web (the browser runtime) too, for the sequence-output cases.
            const r = await exportAndCompare(model, { label, web: returnSequences && useBias });
            record(kind, Math.max(r.maxAbsDiff, r.maxAbsDiffWeb ?? 0));
            const ops = opTypes(r.bytes);
            assert.equal(ops.filter((o) => o === ONNX_OP[kind]).length, 1, `one ${ONNX_OP[kind]} op, never unrolled: ${ops.join(',')}`);
            assert.ok(!ops.includes('Loop') && !ops.includes('Scan'), 'no loops');
          });
        }
      }
    }
  }
});

describe('activations', () => {
  const cases: [RnnKind, string, string][] = [
    ['simpleRNN', 'relu', ''],
    ['simpleRNN', 'sigmoid', ''],
    ['simpleRNN', 'linear', ''],
    ['simpleRNN', 'elu', ''],
    ['lstm', 'tanh', 'sigmoid'],
    ['lstm', 'relu', 'hardSigmoid'],
    ['lstm', 'linear', 'hardSigmoid'],
    ['lstm', 'softsign', 'sigmoid'],
    ['gru', 'tanh', 'sigmoid'],
    ['gru', 'relu', 'sigmoid'],
    ['gru', 'softplus', 'hardSigmoid'],
    ['gru', 'elu', 'linear'],
  ];
  for (const [kind, activation, recurrentActivation] of cases) {
    const label = `${kind}_${activation}_${recurrentActivation || 'none'}`;
    it(label, async () => {
      const args = { units: 4, activation, returnSequences: true, ...(recurrentActivation ? { recurrentActivation } : {}) } as Partial<RnnArgs>;
      const model = chain(label, [7, 3], [rnnLayer(kind, args)], 3);
      record('activations', (await exportAndCompare(model, { label })).maxAbsDiff);
    });
  }

  it('tfjs default recurrentActivation hardSigmoid is kept (not ONNX default Sigmoid)', async () => {
    const model = chain('lstm_default_acts', [5, 3], [rnnLayer('lstm', { units: 4 })], 4);
    const r = await exportAndCompare(model, { label: 'lstm_default_acts' });
    const lstm = (decodeModel(r.bytes).graph.node as { op_type: string; attribute: { name: string; strings?: number[][] }[] }[]).find((n) => n.op_type === 'LSTM')!;
    const acts = lstm.attribute.find((a) => a.name === 'activations')!.strings!.map((s) => Buffer.from(s).toString());
    assert.deepEqual(acts, ['HardSigmoid', 'Tanh', 'Tanh']);
  });
});

describe('returnState and initial states', () => {
  for (const kind of KINDS) {
    for (const returnSequences of [false, true]) {
      const label = `${kind}_state_seq${+returnSequences}`;
      it(label, async () => {
        const model = chain(label, [5, 3], [rnnLayer(kind, { units: 4, returnSequences, returnState: true, goBackwards: returnSequences })], 5);
        assert.equal(model.outputs.length, kind === 'lstm' ? 3 : 2);
        record('returnState', (await exportAndCompare(model, { label })).maxAbsDiff);
      });
    }
  }

  it('encoder states feed a decoder LSTM as initialState', async () => {
    const enc = tfl.input({ shape: [6, 3] });
    const dec = tfl.input({ shape: [4, 2] });
    const [, h, c] = rnnLayer('lstm', { units: 5, returnState: true }).apply(enc) as tfl.SymbolicTensor[];
    const y = rnnLayer('lstm', { units: 5, returnSequences: true }).apply(dec, { initialState: [h!, c!] }) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 3 }).apply(y) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [enc, dec], outputs: out, name: 'seq2seq' });
    randomWeights(model, 6);
    record('initialState', (await exportAndCompare(model, { label: 'seq2seq' })).maxAbsDiff);
  });

  it('GRU initialState from an input', async () => {
    const x = tfl.input({ shape: [5, 3] });
    const h0 = tfl.input({ shape: [4] });
    const y = rnnLayer('gru', { units: 4, goBackwards: true }).apply(x, { initialState: [h0] }) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [x, h0], outputs: y, name: 'gru_h0' });
    randomWeights(model, 7);
    record('initialState', (await exportAndCompare(model, { label: 'gru_h0' })).maxAbsDiff);
  });
});

describe('dynamic time, stacking, opsets', () => {
  for (const kind of KINDS) {
    it(`${kind} exported with null timesteps runs on T=3 (batch 1) and T=11 (batch 4)`, async () => {
      const model = chain(`${kind}_dynamic_t`, [null, 4], [rnnLayer(kind, { units: 3, returnSequences: true, goBackwards: true })], 8);
      const a = await exportAndCompare(model, { label: `${kind}_dynamic_t3`, freeDim: 3, batch: 1 });
      const b = await exportAndCompare(model, { label: `${kind}_dynamic_t11`, freeDim: 11, batch: 4 });
      const timeDim = decodeModel(a.bytes).graph.input[0].type.tensor_type.shape.dim[1];
      assert.ok(timeDim.dim_param, `the ONNX time dimension is symbolic, got ${JSON.stringify(timeDim)}`);
      record('dynamicT', Math.max(a.maxAbsDiff, b.maxAbsDiff));
    });
  }

  it('stacked LSTMs (seq → seq → last) then Dense', async () => {
    const model = chain(
      'stacked_lstm',
      [null, 4],
      [rnnLayer('lstm', { units: 6, returnSequences: true }), rnnLayer('lstm', { units: 5, returnSequences: true }), rnnLayer('lstm', { units: 4 }), tfl.layers.dense({ units: 2 })],
      9,
    );
    const r = await exportAndCompare(model, { label: 'stacked_lstm', freeDim: 7 });
    record('stacked', r.maxAbsDiff);
    assert.equal(opTypes(r.bytes).filter((o) => o === 'LSTM').length, 3);
  });

  for (const opset of [13, 14, 17]) {
    for (const kind of KINDS) {
      it(`${kind} at opset ${opset}`, async () => {
        const label = `${kind}_opset${opset}`;
        const model = chain(label, [5, 3], [rnnLayer(kind, { units: 4, returnSequences: true, goBackwards: true, returnState: true })], 10);
        const r = await exportAndCompare(model, { label, exportOptions: { opset } });
        assert.equal(decodeModel(r.bytes).opset_import[0].version, opset);
        record(`opset${opset}`, r.maxAbsDiff);
      });
    }
  }

  it('RNN layer with an LSTMCell exports like LSTM', async () => {
    const cell = tfl.layers.lstmCell({ units: 4, recurrentInitializer: 'glorotUniform' });
    const model = chain('rnn_lstmcell', [5, 3], [tfl.layers.rnn({ cell, returnSequences: true })], 11);
    const r = await exportAndCompare(model, { label: 'rnn_lstmcell' });
    assert.ok(opTypes(r.bytes).includes('LSTM'));
  });
});

describe('unsupported options name the layer, class and option', () => {
  it('stateful: true', () => {
    const x = tfl.input({ batchShape: [2, 5, 3] });
    const layer = rnnLayer('lstm', { units: 4, stateful: true, name: 'my_stateful_lstm' });
    const model = tfl.model({ inputs: x, outputs: layer.apply(x) as tfl.SymbolicTensor });
    assert.throws(() => exportLayersModel(model), (e: Error) => /my_stateful_lstm/.test(e.message) && /\bLSTM\b/.test(e.message) && /stateful/.test(e.message));
  });

  it('an activation with no ONNX recurrent equivalent (selu)', () => {
    const model = chain('gru_selu', [5, 3], [rnnLayer('gru', { units: 4, activation: 'selu', name: 'gru_selu_layer' })]);
    assert.throws(() => exportLayersModel(model), (e: Error) => /gru_selu_layer/.test(e.message) && /\bGRU\b/.test(e.message) && /activation/.test(e.message) && /selu/.test(e.message));
  });

  it('RNN over StackedRNNCells', () => {
    const cells = [tfl.layers.gruCell({ units: 3, recurrentInitializer: 'glorotUniform' }), tfl.layers.gruCell({ units: 3, recurrentInitializer: 'glorotUniform' })];
    const model = chain('stacked_cells', [5, 3], [tfl.layers.rnn({ cell: cells, name: 'rnn_stacked_cells' })]);
    assert.throws(() => exportLayersModel(model), (e: Error) => /rnn_stacked_cells/.test(e.message) && /\bRNN\b/.test(e.message) && /cell/.test(e.message) && /StackedRNNCells/.test(e.message));
  });
});
