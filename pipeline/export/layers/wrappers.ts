/**
 * Wrapper layers: Bidirectional (one ONNX RNN/LSTM/GRU op with direction "bidirectional") and
 * TimeDistributed (fold time into batch, convert the inner layer, unfold).
 *
 * Bidirectional semantics (tfjs-layers 4.22 `layers/wrappers.js`): the forward layer is the
 * wrapped layer's config, the backward layer the same with goBackwards flipped; with
 * returnSequences the backward outputs (in processing order) are reversed back to input time
 * order before merging as merge(y_forward, y_backward); states are [forward..., backward...].
 */
import { attr, type Graph } from '../graph.ts';
import { registerConverter, type ConvertContext, type TensorRef } from '../types.ts';
import { reduce, reshape } from '../ops.ts';
import { checkConfig } from './util.ts';
import {
  emitRecurrent,
  floatRef,
  initialStates,
  LAYER_CELL,
  readRecurrentCell,
  reverseAxes,
  toTimeMajor,
  transpose,
  type TfRnnLayer,
} from './recurrent-core.ts';

interface TfBidirectional {
  forwardLayer: TfRnnLayer;
  backwardLayer: TfRnnLayer;
}

const MERGE_MODES = ['concat', 'sum', 'mul', 'ave', null] as const;
type MergeMode = (typeof MERGE_MODES)[number];

/** `x` indexed at `index` along `axis`, the axis removed (Gather with a scalar index). */
function pick(g: Graph, x: string, axis: number, index: number, name: string): string {
  return g.add('Gather', [x, g.addInt64(`${name}/index`, [index], [])], { axis: attr.int(axis) }, name);
}

/**
 * Merges the two directions of `src` along `dirAxis` (0 for Y_h [2,B,H], 1 for Y [T,2,B,H]) as
 * tfjs does. Returns one value, or two for merge mode null. Sequence results stay time-major.
 */
function mergeDirections(ctx: ConvertContext, src: string, dirAxis: 0 | 1, mode: MergeMode, units: number, name: string): string[] {
  const g = ctx.graph;
  switch (mode) {
    case 'concat': {
      // [T,2,B,H] → [T,B,2,H] → [T,B,2H]; [2,B,H] → [B,2,H] → [B,2H]. Forward units come first.
      const perm = dirAxis === 1 ? [0, 2, 1, 3] : [1, 0, 2];
      const t = transpose(g, src, perm, `${name}/dirs_last`);
      return [reshape(g, t, dirAxis === 1 ? [0, 0, 2 * units] : [0, 2 * units], `${name}/concat`)];
    }
    case 'sum':
      return [reduce(g, ctx.opset, 'ReduceSum', src, [dirAxis], false, `${name}/sum`)];
    case 'mul':
      return [reduce(g, ctx.opset, 'ReduceProd', src, [dirAxis], false, `${name}/mul`)];
    case 'ave':
      return [reduce(g, ctx.opset, 'ReduceMean', src, [dirAxis], false, `${name}/ave`)];
    case null:
      return [pick(g, src, dirAxis, 0, `${name}/forward`), pick(g, src, dirAxis, 1, `${name}/backward`)];
  }
}

/** Converts a Bidirectional(SimpleRNN | LSTM | GRU | RNN) into one bidirectional ONNX op. */
export function convertBidirectional(ctx: ConvertContext): TensorRef[] {
  const g = ctx.graph;
  const name = ctx.layerName;
  const layer = ctx.layer as TfBidirectional;
  checkConfig(ctx, ['mergeMode', 'layer']);
  const mode = (ctx.config['mergeMode'] ?? null) as MergeMode;
  if (!MERGE_MODES.includes(mode)) ctx.unsupported('mergeMode', mode, `use one of ${MERGE_MODES.map(String).join(', ')}`);
  const inner = layer.forwardLayer.getClassName();
  if (!(inner in LAYER_CELL) && inner !== 'RNN') {
    ctx.unsupported('layer', inner, 'Bidirectional exports only around SimpleRNN, LSTM, GRU (or RNN with one of their cells)');
  }
  const fwdConfig = layer.forwardLayer.getConfig();
  const returnSequences = fwdConfig['returnSequences'] === true;
  const returnState = fwdConfig['returnState'] === true;
  // The tfjs "forward" layer runs backwards when the wrapped layer had goBackwards: true.
  const flipped = fwdConfig['goBackwards'] === true;
  const fwd = readRecurrentCell(ctx, layer.forwardLayer, 'layer.');
  const bwd = readRecurrentCell(ctx, layer.backwardLayer, 'layer.');
  const numStates = fwd.op === 'LSTM' ? 2 : 1;

  const [input, ...stateInputs] = ctx.inputs;
  if (!input) throw new Error(`Bidirectional layer "${name}" has no input`);
  if (stateInputs.length !== 0 && stateInputs.length !== 2 * numStates) {
    throw new Error(`Bidirectional layer "${name}" got ${stateInputs.length} initial state inputs; it takes ${2 * numStates} (forward states, then backward)`);
  }
  const x = toTimeMajor(ctx, input, `${name}/to_time_major`);
  // ONNX direction 0 runs forward in time, 1 in reverse.
  const states = initialStates(ctx, stateInputs, name);
  const init: string[] = [];
  for (let k = 0; k < (states.length ? numStates : 0); k++) {
    const [f, b] = [states[k]!, states[numStates + k]!];
    init.push(g.add('Concat', flipped ? [b, f] : [f, b], { axis: attr.int(0) }, `${name}/initial_state${k}`));
  }
  const out = emitRecurrent(g, {
    x,
    cells: flipped ? [bwd, fwd] : [fwd, bwd],
    direction: 'bidirectional',
    ...(init[0] ? { initialH: init[0] } : {}),
    ...(init[1] ? { initialC: init[1] } : {}),
    want: { y: returnSequences, yh: !returnSequences || returnState, yc: returnState },
    name,
  });
  const [batch = null, time = null] = input.shape;
  const h = fwd.units;
  // In tfjs order (forward layer first); when flipped both sequences also come reversed in time.
  const yh = out.yh && (flipped ? reverseAxes(g, out.yh, [0], `${name}/Y_h_tfjs_order`) : out.yh);
  const yc = out.yc && (flipped ? reverseAxes(g, out.yc, [0], `${name}/Y_c_tfjs_order`) : out.yc);

  let outputs: TensorRef[];
  if (returnSequences) {
    const y = flipped ? reverseAxes(g, out.y!, [0, 1], `${name}/Y_tfjs_order`) : out.y!;
    outputs = mergeDirections(ctx, y, 1, mode, h, name).map((m, i) =>
      floatRef(transpose(g, m, [1, 0, 2], `${name}/to_batch_major${i ? `_${i}` : ''}`), [batch, time, mode === 'concat' ? 2 * h : h]),
    );
  } else {
    outputs = mergeDirections(ctx, yh!, 0, mode, h, name).map((m) => floatRef(m, [batch, mode === 'concat' ? 2 * h : h]));
  }
  if (!returnState) return outputs;
  const stateRefs: TensorRef[] = [];
  for (const [dir, label] of [[0, 'forward'], [1, 'backward']] as const) {
    stateRefs.push(floatRef(pick(g, yh!, 0, dir, `${name}/${label}_h`), [batch, h]));
    if (yc) stateRefs.push(floatRef(pick(g, yc, 0, dir, `${name}/${label}_c`), [batch, h]));
  }
  return [...outputs, ...stateRefs];
}

/** Int64 [start, end) slice of `x`'s Shape. */
function shapeSlice(g: Graph, x: string, start: number, end: number, name: string): string {
  const shape = g.add('Shape', [x], {}, `${name}/shape`);
  return g.add('Slice', [shape, g.addInt64(`${name}/start`, [start]), g.addInt64(`${name}/end`, [end]), g.addInt64(`${name}/axes`, [0])], {}, name);
}

/**
 * Converts TimeDistributed(inner): [B, T, ...] → Reshape [B*T, ...] → inner → Reshape
 * [B, T, ...]. Dynamic batch / time / spatial sizes are read from Shape where not static.
 */
export function convertTimeDistributed(ctx: ConvertContext): TensorRef[] {
  const g = ctx.graph;
  const name = ctx.layerName;
  checkConfig(ctx, ['layer']);
  const inner = (ctx.layer as { layer?: unknown }).layer;
  if (!inner) throw new Error(`TimeDistributed layer "${name}" has no inner layer`);
  if (ctx.inputs.length !== 1) throw new Error(`TimeDistributed layer "${name}" takes one input, got ${ctx.inputs.length}`);
  const x = ctx.toChannelsLast(ctx.inputs[0]!);
  const [batch = null, time = null, ...rest] = x.shape;
  if (x.shape.length < 3) throw new Error(`TimeDistributed layer "${name}" needs an input of rank ≥ 3 [batch, time, ...], got [${x.shape.map(String).join(', ')}]`);

  const isStatic = (dims: (number | null)[]): dims is number[] => dims.every((d) => d !== null);
  const foldedShape = isStatic(rest)
    ? g.addInt64(`${name}/folded_shape`, [-1, ...rest])
    : g.add('Concat', [g.addInt64(`${name}/minus_one`, [-1]), shapeSlice(g, x.name, 2, x.shape.length, `${name}/inner_dims`)], { axis: attr.int(0) }, `${name}/folded_shape`);
  const folded = g.add('Reshape', [x.name, foldedShape], {}, `${name}/fold_time`);
  const foldedRef: TensorRef = {
    name: folded,
    shape: [batch !== null && time !== null ? batch * time : null, ...rest],
    layout: 'channels_last',
    dataType: x.dataType,
  };

  const results = ctx.convertLayer(inner, [foldedRef]);
  if (results.length !== 1) throw new Error(`TimeDistributed layer "${name}": the inner layer returned ${results.length} outputs; TimeDistributed needs exactly one`);
  const y = ctx.toChannelsLast(results[0]!);
  const yRest = y.shape.slice(1);
  let unfoldedShape: string;
  if (isStatic(yRest) && (batch === null ? 1 : 0) + (time === null ? 1 : 0) <= 1) {
    unfoldedShape = g.addInt64(`${name}/unfolded_shape`, [batch ?? -1, time ?? -1, ...yRest]);
  } else {
    const outer = shapeSlice(g, x.name, 0, 2, `${name}/batch_time`);
    const innerDims = isStatic(yRest) ? g.addInt64(`${name}/out_dims`, yRest) : shapeSlice(g, y.name, 1, y.shape.length, `${name}/out_dims`);
    unfoldedShape = g.add('Concat', [outer, innerDims], { axis: attr.int(0) }, `${name}/unfolded_shape`);
  }
  const out: TensorRef = {
    name: g.add('Reshape', [y.name, unfoldedShape], {}, `${name}/unfold_time`),
    shape: [batch, time, ...yRest],
    layout: 'channels_last',
    dataType: y.dataType,
  };
  return [out];
}

registerConverter('Bidirectional', convertBidirectional);
registerConverter('TimeDistributed', convertTimeDistributed);
