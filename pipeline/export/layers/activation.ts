/**
 * Activations: the one mapping from tfjs activation strings to ONNX (`applyActivation`, reused
 * by Dense, Conv and the recurrent converters) and the activation layers (Activation, ReLU,
 * LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax). Formulas follow tfjs-layers' activations.ts.
 */
import { Graph, attr } from '../graph.ts';
import { registerConverter } from '../types.ts';
import type { ConvertContext, TensorRef } from '../types.ts';
import { clip, reduce, scalarF } from '../ops.ts';
import { kerasAxisAt, normAxis, physicalAxis, transposeData } from '../layout.ts';
import { checkConfig, nm, num, single, weight } from './util.ts';

/** tfjs activation identifiers onnxline exports. */
export const SUPPORTED_ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'logSoftmax',
  'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new',
] as const;

// tfjs-core selu constants (SELU_SCALEALPHA / SELU_SCALE).
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_ALPHA = 1.7580993408473768599402175208123 / SELU_SCALE;

export interface ActivationOptions {
  /** Node-name prefix (default `<layer>/<activation>` with a context, `<activation>` with a bare graph). */
  name?: string;
  /** Physical axis for softmax / logSoftmax (default -1, the last axis). */
  axis?: number;
  /** Opset, when `target` is a bare Graph (default 13: newer fused ops are decomposed). */
  opset?: number;
}

function isContext(t: Graph | ConvertContext): t is ConvertContext {
  return !(t instanceof Graph);
}

/**
 * Appends the ONNX for tfjs activation `activation` applied to value `input` and returns the
 * output value name (`input` itself for `linear`/null). Elementwise activations work in any
 * layout; for softmax pass the physical `axis`. Throws (naming the layer when given a context)
 * for an activation tfjs has that onnxline does not know.
 */
export function applyActivation(target: Graph | ConvertContext, activation: string | null | undefined, input: string, opts: ActivationOptions = {}): string {
  const g = isContext(target) ? target.graph : target;
  const opset = isContext(target) ? target.opset : (opts.opset ?? 13);
  const act = activation ?? 'linear';
  const p = opts.name ?? (isContext(target) ? nm(target, act) : act);
  const c = (suffix: string, v: number) => scalarF(g, `${p}/${suffix}`, v);
  switch (act) {
    case 'linear':
      return input;
    case 'relu':
      return g.add('Relu', [input], {}, p);
    case 'relu6':
      return clip(g, input, 0, 6, p);
    case 'elu':
      return g.add('Elu', [input], { alpha: attr.float(1) }, p);
    case 'selu':
      return g.add('Selu', [input], { alpha: attr.float(SELU_ALPHA), gamma: attr.float(SELU_SCALE) }, p);
    case 'sigmoid':
      return g.add('Sigmoid', [input], {}, p);
    case 'hardSigmoid': // tfjs: clip(0.2 x + 0.5, 0, 1)
      return g.add('HardSigmoid', [input], { alpha: attr.float(0.2), beta: attr.float(0.5) }, p);
    case 'tanh':
      return g.add('Tanh', [input], {}, p);
    case 'softmax':
      return g.add('Softmax', [input], { axis: attr.int(opts.axis ?? -1) }, p);
    case 'logSoftmax':
      return g.add('LogSoftmax', [input], { axis: attr.int(opts.axis ?? -1) }, p);
    case 'softplus':
      return g.add('Softplus', [input], {}, p);
    case 'softsign':
      return g.add('Softsign', [input], {}, p);
    case 'swish': // x * sigmoid(x)
      return g.add('Mul', [input, g.add('Sigmoid', [input], {}, `${p}/sigmoid`)], {}, p);
    case 'mish': // x * tanh(softplus(x))
      if (opset >= 18) return g.add('Mish', [input], {}, p);
      return g.add('Mul', [input, g.add('Tanh', [g.add('Softplus', [input], {}, `${p}/softplus`)], {}, `${p}/tanh`)], {}, p);
    case 'gelu': {
      // tfjs: x * 0.5 * (1 + erf(x / sqrt(2)))
      if (opset >= 20) return g.add('Gelu', [input], {}, p);
      const erf = g.add('Erf', [g.add('Mul', [input, c('inv_sqrt2', Math.SQRT1_2)], {}, `${p}/scale`)], {}, `${p}/erf`);
      const cdf = g.add('Mul', [g.add('Add', [erf, c('one', 1)], {}, `${p}/add`), c('half', 0.5)], {}, `${p}/cdf`);
      return g.add('Mul', [input, cdf], {}, p);
    }
    case 'gelu_new': {
      // tfjs: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      if (opset >= 20) return g.add('Gelu', [input], { approximate: attr.string('tanh') }, p);
      const x3 = g.add('Mul', [g.add('Mul', [input, input], {}, `${p}/x2`), input], {}, `${p}/x3`);
      const inner = g.add('Add', [input, g.add('Mul', [x3, c('k', 0.044715)], {}, `${p}/kx3`)], {}, `${p}/inner`);
      const th = g.add('Tanh', [g.add('Mul', [inner, c('sqrt_2_pi', Math.sqrt(2 / Math.PI))], {}, `${p}/scaled`)], {}, `${p}/tanh`);
      const half = g.add('Mul', [g.add('Add', [th, c('one', 1)], {}, `${p}/add`), c('half', 0.5)], {}, `${p}/half`);
      return g.add('Mul', [input, half], {}, p);
    }
    default: {
      const hint = `onnxline exports the activations ${SUPPORTED_ACTIVATIONS.join(', ')}`;
      if (isContext(target)) target.unsupported('activation', act, hint);
      throw new Error(`activation "${act}" is not supported; ${hint}`);
    }
  }
}

/** Same layout and shape as `x`, a new name. */
function like(x: TensorRef, name: string): TensorRef {
  return { name, shape: x.shape, layout: x.layout, dataType: x.dataType, ...(x.flattenedFrom ? { flattenedFrom: x.flattenedFrom } : {}) };
}

/** Softmax over Keras `axes` (one or several) of `x`, in x's physical layout. */
function softmaxOver(ctx: ConvertContext, x: TensorRef, axes: number[], log: boolean): TensorRef {
  const rank = x.shape.length;
  const input = x; // a flattened channels-first vector only permutes axis 1: softmax over it is order-free
  const phys = axes.map((a) => physicalAxis(input, a));
  if (phys.length === 1) {
    const op = log ? 'LogSoftmax' : 'Softmax';
    return like(input, ctx.graph.add(op, [input.name], { axis: attr.int(phys[0]!) }, nm(ctx, op)));
  }
  if (new Set(axes.map((a) => normAxis(a, rank))).size !== axes.length) ctx.unsupported('axis', axes, 'axes must be distinct');
  // tfjs: exp(x - logSumExp(x, axes, keepDims=true))
  const lse = reduce(ctx.graph, ctx.opset, 'ReduceLogSumExp', input.name, phys, true, nm(ctx, 'logsumexp'));
  const diff = ctx.graph.add('Sub', [input.name, lse], {}, nm(ctx, 'sub'));
  if (log) return like(input, diff);
  return like(input, ctx.graph.add('Exp', [diff], {}, nm(ctx, 'exp')));
}

registerConverter(
  'Activation',
  (ctx) => {
    checkConfig(ctx, ['activation']);
    const x = single(ctx);
    const act = ctx.config['activation'] as string;
    if (act === 'softmax' || act === 'logSoftmax') return [softmaxOver(ctx, x, [-1], act === 'logSoftmax')];
    return [like(x, applyActivation(ctx, act, x.name))];
  },
  { layoutAware: true },
);

registerConverter(
  'ReLU',
  (ctx) => {
    checkConfig(ctx, ['maxValue']);
    const x = single(ctx);
    const max = ctx.config['maxValue'];
    if (max === null || max === undefined) return [like(x, ctx.graph.add('Relu', [x.name], {}, nm(ctx, 'Relu')))];
    return [like(x, clip(ctx.graph, x.name, 0, num(ctx, 'maxValue'), nm(ctx, 'Clip')))];
  },
  { layoutAware: true },
);

registerConverter(
  'LeakyReLU',
  (ctx) => {
    checkConfig(ctx, ['alpha']);
    const x = single(ctx);
    return [like(x, ctx.graph.add('LeakyRelu', [x.name], { alpha: attr.float(num(ctx, 'alpha', 0.3)) }, nm(ctx, 'LeakyRelu')))];
  },
  { layoutAware: true },
);

registerConverter(
  'ELU',
  (ctx) => {
    checkConfig(ctx, ['alpha']);
    const x = single(ctx);
    return [like(x, ctx.graph.add('Elu', [x.name], { alpha: attr.float(num(ctx, 'alpha', 1)) }, nm(ctx, 'Elu')))];
  },
  { layoutAware: true },
);

registerConverter(
  'ThresholdedReLU',
  (ctx) => {
    checkConfig(ctx, ['theta']);
    const x = single(ctx);
    // tfjs: x * (x > theta); ONNX ThresholdedRelu: x if x > alpha else 0.
    return [like(x, ctx.graph.add('ThresholdedRelu', [x.name], { alpha: attr.float(num(ctx, 'theta', 1)) }, nm(ctx, 'ThresholdedRelu')))];
  },
  { layoutAware: true },
);

registerConverter(
  'Softmax',
  (ctx) => {
    checkConfig(ctx, ['axis']);
    const x = single(ctx);
    const axis = ctx.config['axis'] ?? 1; // tfjs' Softmax layer defaults to axis 1, not -1.
    const axes = Array.isArray(axis) ? (axis as number[]) : [axis as number];
    return [softmaxOver(ctx, x, axes, false)];
  },
  { layoutAware: true },
);

registerConverter(
  'PReLU',
  (ctx) => {
    checkConfig(ctx, ['sharedAxes']);
    let x = single(ctx);
    if (x.flattenedFrom) x = ctx.toChannelsLast(x);
    const alpha = weight(ctx, 'alpha'); // shape = input shape without batch, 1 on shared axes
    const rank = x.shape.length;
    // Slope in the value's physical order (without the batch axis) so it broadcasts.
    const order = kerasAxisAt(x.layout, rank).slice(1).map((k) => k - 1);
    const dims = order.map((k) => alpha.shape[k]!);
    const data = x.layout === 'channels_first' && rank >= 3 ? transposeData(alpha.data, alpha.shape, order) : alpha.data;
    const slope = ctx.graph.addFloat(alpha.name, dims, data);
    return [like(x, ctx.graph.add('PRelu', [x.name, slope], {}, nm(ctx, 'PRelu')))];
  },
  { layoutAware: true },
);
