/**
 * BatchNormalization (inference: moving statistics) and LayerNormalization.
 * BN on the physical channel axis is emitted as an ONNX BatchNormalization (which the optimizer
 * folds into a preceding Conv/Gemm); on any other axis as a broadcast Mul + Add.
 * LayerNormalization uses the ONNX op from opset 17 and is decomposed for 13–16.
 */
import { attr } from '../graph.ts';
import { registerConverter } from '../types.ts';
import type { ConvertContext, TensorRef } from '../types.ts';
import { normAxis, physicalAxis } from '../layout.ts';
import { reduce, scalarF } from '../ops.ts';
import { permuteRowsForChannelsFirstFlatten } from './dense.ts';
import { bool, checkConfig, maybeWeight, nm, num, single, weight } from './util.ts';

function filled(n: number, v: number): Float32Array {
  return new Float32Array(n).fill(v);
}

function convertBatchNorm(ctx: ConvertContext): TensorRef[] {
  checkConfig(ctx, ['axis', 'momentum', 'epsilon', 'center', 'scale']);
  const g = ctx.graph;
  const x = single(ctx);
  const rank = x.shape.length;
  const axisCfg = ctx.config['axis'] ?? -1;
  const axisList = Array.isArray(axisCfg) ? (axisCfg as number[]) : [axisCfg as number];
  if (axisList.length !== 1) ctx.unsupported('axis', axisCfg, 'normalising over several axes at once is not supported; use a single axis');
  const axis = normAxis(axisList[0]!, rank);
  if (axis !== rank - 1) {
    ctx.unsupported(
      'axis',
      axisCfg,
      `only the last (channels) axis is supported: for another axis tfjs' own result depends on the backend (the cpu kernel indexes the parameters as if they were on the last axis), so there is no single computation to export`,
    );
  }
  const eps = num(ctx, 'epsilon', 1e-3);
  const mean = weight(ctx, 'moving_mean');
  const variance = weight(ctx, 'moving_variance');
  const c = mean.shape[0]!;
  const gammaW = bool(ctx, 'scale', true) ? maybeWeight(ctx, 'gamma') : undefined;
  const betaW = bool(ctx, 'center', true) ? maybeWeight(ctx, 'beta') : undefined;
  let gamma = gammaW?.data ?? filled(c, 1);
  let beta = betaW?.data ?? filled(c, 0);
  let m = mean.data;
  let v = variance.data;

  // A vector flattened from a channels-first tensor holds its features in C,H,W order.
  if (x.flattenedFrom && x.flattenedFrom.layout === 'channels_first' && rank === 2) {
    const perm = (d: Float32Array) => permuteRowsForChannelsFirstFlatten(d, x.flattenedFrom!.shape, 1);
    [gamma, beta, m, v] = [perm(gamma), perm(beta), perm(m), perm(v)];
  }
  const p = physicalAxis(x, axis);
  let out: string;
  if (p === 1) {
    out = g.add(
      'BatchNormalization',
      [
        x.name,
        g.addFloat(gammaW?.name ?? nm(ctx, 'gamma'), [c], gamma),
        g.addFloat(betaW?.name ?? nm(ctx, 'beta'), [c], beta),
        g.addFloat(mean.name, [c], m),
        g.addFloat(variance.name, [c], v),
      ],
      { epsilon: attr.float(eps) },
      nm(ctx, 'BatchNormalization'),
    );
  } else {
    // y = x * s + t with s = gamma / sqrt(var + eps), t = beta - mean * s, broadcast along axis p.
    const s = new Float32Array(c);
    const t = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      s[i] = gamma[i]! / Math.sqrt(v[i]! + eps);
      t[i] = beta[i]! - m[i]! * s[i]!;
    }
    const dims = [c, ...new Array<number>(rank - 1 - p).fill(1)];
    const mul = g.add('Mul', [x.name, g.addFloat(nm(ctx, 'scale'), dims, s)], {}, nm(ctx, 'Mul'));
    out = g.add('Add', [mul, g.addFloat(nm(ctx, 'shift'), dims, t)], {}, nm(ctx, 'Add'));
  }
  return [{ ...x, name: out }];
}

registerConverter('BatchNormalization', convertBatchNorm, { layoutAware: true });

function convertLayerNorm(ctx: ConvertContext): TensorRef[] {
  checkConfig(ctx, ['axis', 'epsilon', 'center', 'scale']);
  const g = ctx.graph;
  const x = single(ctx); // channels-last (not layout-aware)
  const rank = x.shape.length;
  const axisCfg = ctx.config['axis'] ?? -1;
  const axes = (Array.isArray(axisCfg) ? (axisCfg as number[]) : [axisCfg as number]).map((a) => normAxis(a, rank));
  const first = Math.min(...axes);
  const suffix = Array.from({ length: rank - first }, (_, i) => first + i);
  if (first === 0 || axes.length !== suffix.length || axes.some((a, i) => a !== suffix[i])) {
    ctx.unsupported('axis', axisCfg, 'onnxline normalises over trailing axes given in increasing order (e.g. -1, or [1, 2, 3]) only');
  }
  const paramShape = axes.map((a) => x.shape[a]);
  if (paramShape.some((d) => d === null)) ctx.unsupported('axis', axisCfg, 'the normalised axes must have a known size');
  const dims = paramShape as number[];
  const n = dims.reduce((a, b) => a * b, 1);
  const eps = num(ctx, 'epsilon', 1e-3);
  const gammaW = bool(ctx, 'scale', true) ? maybeWeight(ctx, 'gamma') : undefined;
  const betaW = bool(ctx, 'center', true) ? maybeWeight(ctx, 'beta') : undefined;

  let out: string;
  if (ctx.opset >= 17) {
    const scale = g.addFloat(gammaW?.name ?? nm(ctx, 'gamma'), dims, gammaW?.data ?? filled(n, 1));
    const inputs = [x.name, scale, ...(betaW ? [g.addFloat(betaW.name, dims, betaW.data)] : [])];
    out = g.add('LayerNormalization', inputs, { axis: attr.int(first), epsilon: attr.float(eps) }, nm(ctx, 'LayerNormalization'));
  } else {
    const mean = reduce(g, ctx.opset, 'ReduceMean', x.name, axes, true, nm(ctx, 'mean'));
    const d = g.add('Sub', [x.name, mean], {}, nm(ctx, 'centered'));
    const variance = reduce(g, ctx.opset, 'ReduceMean', g.add('Mul', [d, d], {}, nm(ctx, 'sq')), axes, true, nm(ctx, 'variance'));
    const std = g.add('Sqrt', [g.add('Add', [variance, scalarF(g, nm(ctx, 'epsilon'), eps)], {}, nm(ctx, 'var_eps'))], {}, nm(ctx, 'std'));
    out = g.add('Div', [d, std], {}, nm(ctx, 'normalized'));
    if (gammaW) out = g.add('Mul', [out, g.addFloat(gammaW.name, dims, gammaW.data)], {}, nm(ctx, 'scale'));
    if (betaW) out = g.add('Add', [out, g.addFloat(betaW.name, dims, betaW.data)], {}, nm(ctx, 'shift'));
  }
  return [{ ...x, name: out }];
}

registerConverter('LayerNormalization', convertLayerNorm);
