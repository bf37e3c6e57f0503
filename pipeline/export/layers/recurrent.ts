/**
 * SimpleRNN, LSTM, GRU (and `RNN` with one of their cells) → one ONNX RNN / LSTM / GRU op each.
 *
 * Keras is batch-major [B, T, F]; the ONNX op runs time-major (layout 0, which opset 13 has too),
 * so the input gets a Transpose and the sequence output a Squeeze + Transpose back; between two
 * stacked layers those Transposes cancel in the optimizer.
 *
 * goBackwards: tfjs reverses the input and, with returnSequences, keeps the outputs in that
 * processing (reversed) order. ONNX direction "reverse" gives Y in the original time order and
 * Y_h = the state after the whole reversed pass, so the last state needs nothing and the sequence
 * output gets one Slice reversing time.
 */
import { DataType } from '../graph.ts';
import { registerConverter, type ConvertContext, type TensorRef } from '../types.ts';
import { squeeze } from '../ops.ts';
import {
  emitRecurrent,
  floatRef,
  initialStates,
  readRecurrentCell,
  reverseAxes,
  toTimeMajor,
  transpose,
  type TfRnnLayer,
} from './recurrent-core.ts';

/** Converts one tfjs recurrent layer (SimpleRNN, LSTM, GRU, RNN with one cell). */
export function convertRecurrent(ctx: ConvertContext): TensorRef[] {
  const g = ctx.graph;
  const name = ctx.layerName;
  const layer = ctx.layer as TfRnnLayer;
  const cell = readRecurrentCell(ctx, layer);
  const returnSequences = ctx.config['returnSequences'] === true;
  const returnState = ctx.config['returnState'] === true;
  const goBackwards = ctx.config['goBackwards'] === true;
  const [input, ...stateInputs] = ctx.inputs;
  if (!input) throw new Error(`${ctx.className} layer "${name}" has no input`);
  const numStates = cell.op === 'LSTM' ? 2 : 1;
  if (stateInputs.length !== 0 && stateInputs.length !== numStates) {
    throw new Error(`${ctx.className} layer "${name}" got ${stateInputs.length} initial state inputs; it takes ${numStates}`);
  }
  for (const s of stateInputs) {
    if (s.dataType !== DataType.FLOAT) throw new Error(`${ctx.className} layer "${name}": initial states must be float32`);
  }

  const x = toTimeMajor(ctx, input, `${name}/to_time_major`);
  const [initialH, initialC] = initialStates(ctx, stateInputs, name);
  const out = emitRecurrent(g, {
    x,
    cells: [cell],
    direction: goBackwards ? 'reverse' : 'forward',
    ...(initialH ? { initialH } : {}),
    ...(initialC ? { initialC } : {}),
    want: { y: returnSequences, yh: !returnSequences || returnState, yc: returnState },
    name,
  });
  const [batch = null, time = null] = input.shape;
  const h = cell.units;

  const lastH = out.yh ? floatRef(squeeze(g, out.yh, [0], `${name}/h`), [batch, h]) : undefined;
  let output: TensorRef;
  if (returnSequences) {
    let y = squeeze(g, out.y!, [1], `${name}/squeeze_dir`);
    if (goBackwards) y = reverseAxes(g, y, [0], `${name}/reversed_order`);
    output = floatRef(transpose(g, y, [1, 0, 2], `${name}/to_batch_major`), [batch, time, h]);
  } else {
    output = lastH!;
  }
  if (!returnState) return [output];
  const states = [lastH!];
  if (out.yc) states.push(floatRef(squeeze(g, out.yc, [0], `${name}/c`), [batch, h]));
  return [output, ...states];
}

registerConverter(['SimpleRNN', 'LSTM', 'GRU', 'RNN'], convertRecurrent);
