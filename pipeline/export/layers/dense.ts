/**
 * Dense: Gemm on 2-D inputs, MatMul + Add on N-D inputs (applied to the last axis, as tfjs does),
 * with the fused activation. After a Flatten of a channels-first value the kernel rows are
 * permuted so the graph needs no transpose back to Keras' H,W,C flatten order.
 */
import { registerConverter } from '../types.ts';
import type { ConvertContext } from '../types.ts';
import { transposeData } from '../layout.ts';
import { applyActivation } from './activation.ts';
import { bool, checkConfig, maybeWeight, nm, num, ref, single, weight } from './util.ts';

/**
 * Kernel rows re-ordered for an input flattened from a channels-first tensor: ONNX row i
 * (C,H,W order) takes Keras row (H,W,C order) of the same element.
 */
export function permuteRowsForChannelsFirstFlatten(kernel: Float32Array, kerasShape: number[], units: number): Float32Array {
  const r = kerasShape.length;
  const perm = [r - 1, ...Array.from({ length: r - 1 }, (_, i) => i), r];
  return transposeData(kernel, [...kerasShape, units], perm);
}

function convertDense(ctx: ConvertContext) {
  checkConfig(ctx, ['units', 'activation', 'useBias']);
  const g = ctx.graph;
  const units = num(ctx, 'units');
  let x = single(ctx);
  const kernel = weight(ctx, 'kernel');
  let kernelData = kernel.data;
  if (x.flattenedFrom && x.flattenedFrom.layout === 'channels_first' && x.shape.length === 2) {
    kernelData = permuteRowsForChannelsFirstFlatten(kernel.data, x.flattenedFrom.shape, units);
  } else {
    x = ctx.toChannelsLast(x);
  }
  const k = g.addFloat(kernel.name, kernel.shape, kernelData);
  const useBias = bool(ctx, 'useBias', true);
  const biasW = useBias ? maybeWeight(ctx, 'bias') : undefined;
  const b = biasW ? g.addFloat(biasW.name, biasW.shape, biasW.data) : undefined;
  let out: string;
  if (x.shape.length === 2) {
    out = g.add('Gemm', b ? [x.name, k, b] : [x.name, k], {}, nm(ctx, 'Gemm'));
  } else {
    out = g.add('MatMul', [x.name, k], {}, nm(ctx, 'MatMul'));
    if (b) out = g.add('Add', [out, b], {}, nm(ctx, 'BiasAdd'));
  }
  out = applyActivation(ctx, ctx.config['activation'] as string, out);
  return [ref(out, [...x.shape.slice(0, -1), units], 'channels_last', x)];
}

registerConverter('Dense', convertDense, { layoutAware: true });
