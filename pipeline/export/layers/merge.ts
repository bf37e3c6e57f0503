/**
 * Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum (elementwise, in whatever
 * layout their inputs share), Concatenate (axis mapped through the layout) and Dot (tfjs batchDot
 * on rank-2/3 inputs, with optional L2 normalisation).
 */
import { attr } from '../graph.ts';
import { registerConverter } from '../types.ts';
import type { ConvertContext, TensorRef } from '../types.ts';
import { normAxis, physicalAxis } from '../layout.ts';
import { reduce, scalarF } from '../ops.ts';
import { bool, checkConfig, nm, ref } from './util.ts';

/**
 * The inputs in one shared physical layout: kept as they are if they agree; else channels-first
 * when any input already is (image branches: the NHWC→NCHW Transpose of a graph input is usually
 * there already, cached), else Keras order.
 */
function sharedLayout(ctx: ConvertContext): TensorRef[] {
  let ins = ctx.inputs;
  const rank = ins[0]!.shape.length;
  if (ins.some((x) => x.shape.length !== rank)) {
    ctx.unsupported('inputs', ins.map((x) => x.shape), 'all inputs of a merge layer must have the same rank in onnxline');
  }
  const key = (x: TensorRef) => `${x.layout}|${JSON.stringify(x.flattenedFrom ?? null)}`;
  if (ins.every((x) => key(x) === key(ins[0]!))) return ins;
  if (ins.some((x) => x.flattenedFrom)) return ins.map((x) => ctx.toChannelsLast(x));
  if (rank >= 3 && ins.some((x) => x.layout === 'channels_first')) ins = ins.map((x) => ctx.toChannelsFirst(x));
  return ins.every((x) => key(x) === key(ins[0]!)) ? ins : ins.map((x) => ctx.toChannelsLast(x));
}

function broadcastShape(shapes: (number | null)[][]): (number | null)[] {
  return shapes[0]!.map((_, i) => {
    const dims = shapes.map((s) => s[i]!);
    const big = dims.filter((d) => d !== null && d !== 1) as number[];
    if (big.length > 0) return big[0]!;
    return dims.some((d) => d === null) ? null : 1;
  });
}

function elementwise(kind: 'Add' | 'Subtract' | 'Multiply' | 'Average' | 'Maximum' | 'Minimum') {
  return (ctx: ConvertContext): TensorRef[] => {
    checkConfig(ctx, []);
    const ins = sharedLayout(ctx);
    const g = ctx.graph;
    const names = ins.map((x) => x.name);
    if (kind === 'Subtract' && ins.length !== 2) ctx.unsupported('inputs', ins.length, 'Subtract takes exactly 2 inputs');
    let out: string;
    if (ins.length === 1) out = g.add('Identity', names, {}, nm(ctx, 'Identity'));
    else if (kind === 'Subtract') out = g.add('Sub', names, {}, nm(ctx, 'Sub'));
    else if (kind === 'Add') out = g.add(ins.length === 2 ? 'Add' : 'Sum', names, {}, nm(ctx, ins.length === 2 ? 'Add' : 'Sum'));
    else if (kind === 'Multiply') out = names.slice(1).reduce((acc, n, i) => g.add('Mul', [acc, n], {}, nm(ctx, i === 0 ? 'Mul' : `Mul_${i}`)), names[0]!);
    else if (kind === 'Average') out = g.add('Mean', names, {}, nm(ctx, 'Mean'));
    else if (kind === 'Maximum') out = g.add('Max', names, {}, nm(ctx, 'Max'));
    else out = g.add('Min', names, {}, nm(ctx, 'Min'));
    const first = ins[0]!;
    return [{ ...first, name: out, shape: broadcastShape(ins.map((x) => x.shape)) }];
  };
}

for (const kind of ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'] as const) {
  registerConverter(kind, elementwise(kind), { layoutAware: true });
}

registerConverter(
  'Concatenate',
  (ctx) => {
    checkConfig(ctx, ['axis']);
    const ins = sharedLayout(ctx);
    const rank = ins[0]!.shape.length;
    const axisCfg = ctx.config['axis'] ?? -1;
    if (typeof axisCfg !== 'number') return ctx.unsupported('axis', axisCfg, 'expected one integer axis');
    const axis = normAxis(axisCfg, rank);
    if (axis === 0) ctx.unsupported('axis', axisCfg, 'concatenating along the batch axis is not supported');
    if (rank === 2 && ins.some((x) => x.flattenedFrom)) return concatKerasOrder(ctx, axis);
    const out = ctx.graph.add('Concat', ins.map((x) => x.name), { axis: attr.int(physicalAxis(ins[0]!, axis)) }, nm(ctx, 'Concat'));
    const shape = ins[0]!.shape.map((d, i) => {
      if (i !== axis) return d;
      return ins.some((x) => x.shape[i] === null) ? null : ins.reduce((s, x) => s + x.shape[i]!, 0);
    });
    return [{ ...ins[0]!, name: out, shape }];
  },
  { layoutAware: true },
);

/** Concatenation of flattened vectors: each in Keras order first (a concat cannot carry `flattenedFrom`). */
function concatKerasOrder(ctx: ConvertContext, axis: number): TensorRef[] {
  const ins = ctx.inputs.map((x) => ctx.toChannelsLast(x));
  const out = ctx.graph.add('Concat', ins.map((x) => x.name), { axis: attr.int(axis) }, nm(ctx, 'Concat'));
  const size = ins.some((x) => x.shape[1] === null) ? null : ins.reduce((s, x) => s + x.shape[1]!, 0);
  return [ref(out, [ins[0]!.shape[0]!, size], 'channels_last', ins[0]!)];
}

/** tfjs l2Normalize: x / sqrt(max(sum(x², axis, keepdims), 1e-7)). */
function l2Normalize(ctx: ConvertContext, x: string, axis: number, tag: string): string {
  const g = ctx.graph;
  const sq = g.add('Mul', [x, x], {}, nm(ctx, `${tag}/square`));
  const sum = reduce(g, ctx.opset, 'ReduceSum', sq, [axis], true, nm(ctx, `${tag}/sum`));
  const norm = g.add('Sqrt', [g.add('Max', [sum, scalarF(g, nm(ctx, `${tag}/epsilon`), 1e-7)], {}, nm(ctx, `${tag}/clamp`))], {}, nm(ctx, `${tag}/norm`));
  return g.add('Div', [x, norm], {}, nm(ctx, `${tag}/normalized`));
}

registerConverter('Dot', (ctx) => {
  checkConfig(ctx, ['axes', 'normalize']);
  if (ctx.inputs.length !== 2) ctx.unsupported('inputs', ctx.inputs.length, 'Dot takes exactly 2 inputs');
  const [a, b] = ctx.inputs as [TensorRef, TensorRef];
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra !== rb || ra < 2 || ra > 3) ctx.unsupported('inputs', [a.shape, b.shape], 'onnxline exports Dot on two rank-2 or two rank-3 inputs');
  const axesCfg = ctx.config['axes'];
  const raw = Array.isArray(axesCfg) ? (axesCfg as number[]) : [axesCfg as number, axesCfg as number];
  const axes = [normAxis(raw[0]!, ra), normAxis(raw[1]!, rb)] as [number, number];
  if (axes[0] === 0 || axes[1] === 0) ctx.unsupported('axes', axesCfg, 'Dot over the batch axis is not supported');
  const g = ctx.graph;
  let x = a.name;
  let y = b.name;
  if (bool(ctx, 'normalize', false)) {
    x = l2Normalize(ctx, x, axes[0], 'l2_x');
    y = l2Normalize(ctx, y, axes[1], 'l2_y');
  }
  if (ra === 2) {
    // [B, n] · [B, n] → [B, 1]
    const prod = g.add('Mul', [x, y], {}, nm(ctx, 'Mul'));
    return [ref(reduce(g, ctx.opset, 'ReduceSum', prod, [1], true, nm(ctx, 'ReduceSum')), [a.shape[0]!, 1], 'channels_last', a)];
  }
  // tfjs: matMul(x, y, transposeA = axes[0] != 2, transposeB = axes[1] == 2)
  if (axes[0] !== 2) x = g.add('Transpose', [x], { perm: attr.ints([0, 2, 1]) }, nm(ctx, 'transpose_x'));
  if (axes[1] === 2) y = g.add('Transpose', [y], { perm: attr.ints([0, 2, 1]) }, nm(ctx, 'transpose_y'));
  const out = g.add('MatMul', [x, y], {}, nm(ctx, 'MatMul'));
  const shape = [a.shape[0]!, a.shape[axes[0] === 1 ? 2 : 1]!, b.shape[axes[1] === 1 ? 2 : 1]!];
  return [ref(out, shape, 'channels_last', a)];
});
