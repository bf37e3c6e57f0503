/**
 * Shared machinery of the recurrent converters (recurrent.ts, and Bidirectional in wrappers.ts):
 * reading a tfjs RNN cell into ONNX weight layout, and emitting one ONNX `RNN` / `LSTM` / `GRU` op
 * (never unrolled) plus the small reshaping nodes around it.
 *
 * Math checked against tfjs-layers 4.22 `layers/recurrent.js` and the ONNX operator docs:
 * - SimpleRNN: h = act(x·K + b + h₋₁·R)                       = ONNX RNN, f = act.
 * - LSTM: z = x·K + h₋₁·R + b split i,f,c,o; i,f,o = recAct, c̃ = act, h = o ⊙ act(c)
 *                                                              = ONNX LSTM (gates i,o,f,c), f,g,h = recAct, act, act.
 * - GRU (tfjs has no reset_after): z,r = recAct(x·K + b + h₋₁·R) split z,r;
 *   h̃ = act(x·K_h + b_h + (r ⊙ h₋₁)·R_h); h = z ⊙ h₋₁ + (1 − z) ⊙ h̃
 *                                                              = ONNX GRU, gates z,r,h, linear_before_reset = 0.
 * Keras' bias goes into ONNX's Wb half, Rb is zero.
 */
import { attr, DataType, type Graph } from '../graph.ts';
import type { ConvertContext, TensorRef } from '../types.ts';
import { unsqueeze } from '../ops.ts';
import { checkConfig } from './util.ts';

/** The ONNX op a tfjs cell maps to. */
export type RecurrentOp = 'RNN' | 'LSTM' | 'GRU';

/** A tfjs LayerVariable, structurally. */
interface TfVariable {
  read(): { dataSync(): ArrayLike<number>; shape: number[] };
}

/** A tfjs RNN cell (SimpleRNNCell, LSTMCell, GRUCell), structurally. */
interface TfCell {
  getClassName(): string;
  units: number;
  kernel?: TfVariable;
  recurrentKernel?: TfVariable;
  bias?: TfVariable | null;
}

/** A tfjs RNN layer (SimpleRNN, LSTM, GRU, or RNN with one cell), structurally. */
export interface TfRnnLayer {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  cell?: TfCell;
}

interface CellKind {
  op: RecurrentOp;
  /** Number of gate blocks in the kernel. */
  gates: number;
  /** ONNX gate block k is the tfjs block perm[k]. */
  perm: number[];
  /** ONNX activation slots, each filled from a tfjs config key. */
  activationKeys: ('activation' | 'recurrentActivation')[];
  /** tfjs's default when the config key is undefined. */
  defaults: Record<string, string>;
}

const CELL_KINDS: Record<string, CellKind> = {
  SimpleRNNCell: { op: 'RNN', gates: 1, perm: [0], activationKeys: ['activation'], defaults: { activation: 'tanh' } },
  // Keras/tfjs LSTM gate blocks: i, f, c, o. ONNX: i, o, f, c.
  LSTMCell: {
    op: 'LSTM',
    gates: 4,
    perm: [0, 3, 1, 2],
    activationKeys: ['recurrentActivation', 'activation', 'activation'],
    defaults: { activation: 'tanh', recurrentActivation: 'hardSigmoid' },
  },
  // tfjs GRU gate blocks: z, r, h. ONNX: z, r, h.
  GRUCell: {
    op: 'GRU',
    gates: 3,
    perm: [0, 1, 2],
    activationKeys: ['recurrentActivation', 'activation'],
    defaults: { activation: 'tanh', recurrentActivation: 'hardSigmoid' },
  },
};

/** Config keys of tfjs recurrent layers that readRecurrentCell understands. */
const RECURRENT_KEYS = [
  'units', 'activation', 'recurrentActivation', 'useBias', 'returnSequences', 'returnState', 'goBackwards',
  'stateful', 'unroll', 'dropout', 'recurrentDropout', 'implementation', 'unitForgetBias', 'resetAfter', 'cell',
] as const;

/** The cell class behind each recurrent layer class. */
export const LAYER_CELL: Record<string, string> = { SimpleRNN: 'SimpleRNNCell', LSTM: 'LSTMCell', GRU: 'GRUCell' };

/** tfjs activation name → ONNX recurrent activation. */
const ACTIVATIONS: Record<string, string> = {
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  hardSigmoid: 'HardSigmoid',
  relu: 'Relu',
  linear: 'Affine',
  elu: 'Elu',
  softsign: 'Softsign',
  softplus: 'Softplus',
};

/**
 * The (alpha, beta) each parameterised activation needs to equal tfjs's: HardSigmoid is tfjs's
 * `hardSigmoid` (0.2x + 0.5 clipped), Affine with 1, 0 is `linear`, Elu with 1 is `elu`.
 * `null` marks a parameter the activation does not take.
 */
const ACTIVATION_PARAMS: Record<string, [number | null, number | null]> = {
  HardSigmoid: [0.2, 0.5],
  Affine: [1, 0],
  Elu: [1, null],
};

/**
 * activation_alpha / activation_beta for an activations list. The spec (and onnxruntime) consume
 * the values in activation order, one per activation that takes that parameter. The spec's
 * defaults already equal tfjs's, but onnxruntime defaults Affine to α=0, β=0, so whenever Affine
 * appears every parameter is written out; otherwise none is (the plainest graph).
 */
export function activationParams(activations: string[]): { alpha: number[]; beta: number[] } | null {
  if (!activations.includes('Affine')) return null;
  const alpha: number[] = [];
  const beta: number[] = [];
  for (const a of activations) {
    const [al, be] = ACTIVATION_PARAMS[a] ?? [null, null];
    if (al !== null) alpha.push(al);
    if (be !== null) beta.push(be);
  }
  return { alpha, beta };
}

/** One direction of a recurrent op, in ONNX layout. */
export interface RecurrentCell {
  op: RecurrentOp;
  units: number;
  inputSize: number;
  /** [G*H, F] row-major. */
  w: Float32Array;
  /** [G*H, H] row-major. */
  r: Float32Array;
  /** [2*G*H] (Wb then zero Rb), or null without bias. */
  b: Float32Array | null;
  /** ONNX activation names in the op's slot order (f / f,g / f,g,h). */
  activations: string[];
}

function readVar(v: TfVariable | null | undefined): { data: Float32Array; shape: number[] } | null {
  if (!v) return null;
  const t = v.read();
  return { data: Float32Array.from(t.dataSync()), shape: [...t.shape] };
}

/**
 * Reads a tfjs RNN layer's cell into ONNX layout, checking every option that changes inference.
 * `option` prefixes option names in errors (e.g. `layer.` for a Bidirectional's inner layer).
 */
export function readRecurrentCell(ctx: ConvertContext, layer: TfRnnLayer, option = ''): RecurrentCell {
  const className = layer.getClassName();
  const config = layer.getConfig();
  if (config['stateful'] === true) {
    ctx.unsupported(`${option}stateful`, true, 'ONNX RNN ops carry no state between calls; export a copy of the model built with stateful: false (the weights are the same)');
  }
  const cell = layer.cell;
  const cellClass = cell?.getClassName() ?? '(none)';
  const kind = CELL_KINDS[cellClass];
  if (!cell || !kind) {
    ctx.unsupported(`${option}cell`, cellClass, `only SimpleRNNCell, LSTMCell and GRUCell map to ONNX RNN/LSTM/GRU; use stacked ${Object.keys(LAYER_CELL).join('/')} layers instead of ${className} with this cell`);
  }
  // Any option not listed here (e.g. numConstants) is refused rather than silently dropped.
  // dropout / recurrentDropout act in training only; unroll, implementation and unitForgetBias
  // do not change the function computed.
  const checkCtx: ConvertContext = option
    ? { ...ctx, config, unsupported: (o, v, h) => ctx.unsupported(`${option}${o}`, v, h) }
    : { ...ctx, config };
  checkConfig(checkCtx, [...RECURRENT_KEYS]);
  if (config['resetAfter'] === true) {
    ctx.unsupported(`${option}resetAfter`, true, 'tfjs GRU computes reset_after=false only');
  }
  const kernel = readVar(cell.kernel);
  const recurrent = readVar(cell.recurrentKernel);
  if (!kernel || !recurrent) throw new Error(`${className} layer "${layer.name}" is not built: it has no kernel weights`);
  const units = cell.units;
  const [inputSize, gh] = kernel.shape as [number, number];
  const { gates, perm } = kind;
  if (gh !== gates * units || recurrent.shape[0] !== units || recurrent.shape[1] !== gh) {
    throw new Error(`${className} layer "${layer.name}": unexpected weight shapes kernel [${kernel.shape}] recurrent_kernel [${recurrent.shape}] for ${units} units`);
  }
  // ONNX row (k*H + j) is tfjs column (perm[k]*H + j), transposed.
  const w = new Float32Array(gh * inputSize);
  const r = new Float32Array(gh * units);
  for (let k = 0; k < gates; k++) {
    for (let j = 0; j < units; j++) {
      const row = k * units + j;
      const col = perm[k]! * units + j;
      for (let f = 0; f < inputSize; f++) w[row * inputSize + f] = kernel.data[f * gh + col]!;
      for (let h = 0; h < units; h++) r[row * units + h] = recurrent.data[h * gh + col]!;
    }
  }
  const bias = readVar(cell.bias);
  let b: Float32Array | null = null;
  if (bias) {
    b = new Float32Array(2 * gh);
    for (let k = 0; k < gates; k++) {
      for (let j = 0; j < units; j++) b[k * units + j] = bias.data[perm[k]! * units + j]!;
    }
  }
  const activations = kind.activationKeys.map((key) => {
    // As tfjs' getActivation: undefined → the cell's default, null → linear.
    const value = config[key] === undefined ? kind.defaults[key]! : config[key] === null ? 'linear' : config[key];
    const onnx = typeof value === 'string' ? ACTIVATIONS[value] : undefined;
    if (!onnx) {
      ctx.unsupported(`${option}${key}`, value, `ONNX ${kind.op} supports the tfjs activations ${Object.keys(ACTIVATIONS).join(', ')}`);
    }
    return onnx;
  });
  return { op: kind.op, units, inputSize, w, r, b, activations };
}

/** What emitRecurrent should build. */
export interface RecurrentSpec {
  /** Time-major input [T, B, F]. */
  x: string;
  /** One cell, or two (forward then reverse) for `bidirectional`. */
  cells: RecurrentCell[];
  direction: 'forward' | 'reverse' | 'bidirectional';
  /** Initial h (and c for LSTM), each [num_dirs, B, H], or undefined for zeros. */
  initialH?: string;
  initialC?: string;
  want: { y: boolean; yh: boolean; yc: boolean };
  name: string;
}

/**
 * Emits one ONNX RNN/LSTM/GRU node. Returns Y [T, dirs, B, H], Y_h / Y_c [dirs, B, H] as asked.
 */
export function emitRecurrent(g: Graph, spec: RecurrentSpec): { y?: string; yh?: string; yc?: string } {
  const first = spec.cells[0]!;
  const { op, units, inputSize } = first;
  const dirs = spec.cells.length;
  const gh = spec.cells[0]!.w.length / inputSize;
  const cat = (parts: Float32Array[]): Float32Array => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  const w = g.addFloat(`${spec.name}/W`, [dirs, gh, inputSize], cat(spec.cells.map((c) => c.w)));
  const r = g.addFloat(`${spec.name}/R`, [dirs, gh, units], cat(spec.cells.map((c) => c.r)));
  const hasBias = spec.cells.some((c) => c.b);
  const b = hasBias
    ? g.addFloat(`${spec.name}/B`, [dirs, 2 * gh], cat(spec.cells.map((c) => c.b ?? new Float32Array(2 * gh))))
    : '';
  const inputs = [spec.x, w, r, b, '', spec.initialH ?? ''];
  if (op === 'LSTM') inputs.push(spec.initialC ?? '');
  while (inputs[inputs.length - 1] === '') inputs.pop();

  const outNames = [
    spec.want.y ? g.uniqueName(`${spec.name}/Y`) : '',
    spec.want.yh ? g.uniqueName(`${spec.name}/Y_h`) : '',
  ];
  if (op === 'LSTM') outNames.push(spec.want.yc ? g.uniqueName(`${spec.name}/Y_c`) : '');
  while (outNames.length > 1 && outNames[outNames.length - 1] === '') outNames.pop();

  const activations = spec.cells.flatMap((c) => c.activations);
  const params = activationParams(activations);
  const attributes = {
    hidden_size: attr.int(units),
    direction: attr.string(spec.direction),
    activations: attr.strings(activations),
    ...(params ? { activation_alpha: attr.floats(params.alpha), activation_beta: attr.floats(params.beta) } : {}),
    ...(op === 'GRU' ? { linear_before_reset: attr.int(0) } : {}),
  };
  g.addNode(op, inputs, attributes, { name: spec.name, outputs: outNames });
  return {
    ...(spec.want.y ? { y: outNames[0]! } : {}),
    ...(spec.want.yh ? { yh: outNames[1]! } : {}),
    ...(spec.want.yc && op === 'LSTM' ? { yc: outNames[2]! } : {}),
  };
}

/** Transpose node. */
export function transpose(g: Graph, x: string, perm: number[], name: string): string {
  return g.add('Transpose', [x], { perm: attr.ints(perm) }, name);
}

/** Reverses `x` along `axes` with one Slice (step −1), so it works for dynamic sizes. */
export function reverseAxes(g: Graph, x: string, axes: number[], name: string): string {
  const n = axes.length;
  const starts = g.addInt64(`${name}/starts`, new Array<number>(n).fill(-1));
  const ends = g.addInitializer(`${name}/ends`, DataType.INT64, [n], new BigInt64Array(n).fill(-9223372036854775807n));
  const ax = g.addInt64(`${name}/axes`, axes);
  const steps = g.addInt64(`${name}/steps`, new Array<number>(n).fill(-1));
  return g.add('Slice', [x, starts, ends, ax, steps], {}, name);
}

/** A float tensor reference in Keras (channels-last) order. */
export function floatRef(name: string, shape: (number | null)[]): TensorRef {
  return { name, shape, layout: 'channels_last', dataType: DataType.FLOAT };
}

/** The batch-major input [B, T, F] as time-major [T, B, F]. */
export function toTimeMajor(ctx: ConvertContext, input: TensorRef, name: string): string {
  const x = ctx.toChannelsLast(input);
  if (x.shape.length !== 3) {
    throw new Error(`${ctx.className} layer "${ctx.layerName}" expects a 3D input [batch, time, features], got shape [${x.shape.map(String).join(', ')}]`);
  }
  if (x.dataType !== DataType.FLOAT) {
    throw new Error(`${ctx.className} layer "${ctx.layerName}" expects a float32 input, got ONNX data type ${x.dataType}`);
  }
  return transpose(ctx.graph, x.name, [1, 0, 2], name);
}

/**
 * Initial states passed to the layer as extra inputs (functional `initialState`), each [B, H],
 * as [1, B, H] ONNX initial_h / initial_c values. Returns [] when none were passed.
 */
export function initialStates(ctx: ConvertContext, states: TensorRef[], name: string): string[] {
  return states.map((s, i) => unsqueeze(ctx.graph, ctx.toChannelsLast(s).name, [0], `${name}/initial_state${i}`));
}
