/**
 * Pooling: Max/AveragePooling 1D/2D/3D as ONNX MaxPool/AveragePool on channels-first values (TF
 * "same" pads are left out of the average: count_include_pad=0, as TF does), and the global
 * poolings as GlobalAveragePool/GlobalMaxPool (channels-first) or a reduction (channels-last).
 */
import { attr } from '../graph.ts';
import { registerConverter } from '../types.ts';
import type { ConvertContext, TensorRef } from '../types.ts';
import { reduce } from '../ops.ts';
import { convOutputLength, padAttrs } from './conv.ts';
import { checkConfig, nm, paddingMode, ref, single, tuple } from './util.ts';

function pool(rank: number, op: 'MaxPool' | 'AveragePool') {
  return (ctx: ConvertContext): TensorRef[] => {
    checkConfig(ctx, ['poolSize', 'strides', 'padding', 'dataFormat']);
    const input = single(ctx);
    if (input.shape.length !== rank + 2) ctx.unsupported('input rank', input.shape.length, `expected rank ${rank + 2}`);
    const x = ctx.toChannelsFirst(input);
    const kernel = tuple(ctx, 'poolSize', rank, 2);
    const strides = ctx.config['strides'] == null ? kernel : tuple(ctx, 'strides', rank);
    const padding = paddingMode(ctx, ['valid', 'same']);
    const spatial = input.shape.slice(1, -1);
    const ones = new Array<number>(rank).fill(1);
    const out = ctx.graph.add(
      op,
      [x.name],
      {
        kernel_shape: attr.ints(kernel),
        strides: attr.ints(strides),
        ...padAttrs(padding, spatial, kernel, strides, ones),
        ...(op === 'AveragePool' ? { count_include_pad: attr.int(0) } : {}),
      },
      nm(ctx, op),
    );
    const outSpatial = spatial.map((s, i) => convOutputLength(s, kernel[i]!, padding, strides[i]!));
    return [ref(out, [input.shape[0]!, ...outSpatial, input.shape[input.shape.length - 1]!], 'channels_first', x)];
  };
}

registerConverter('MaxPooling1D', pool(1, 'MaxPool'), { layoutAware: true });
registerConverter('MaxPooling2D', pool(2, 'MaxPool'), { layoutAware: true });
registerConverter('MaxPooling3D', pool(3, 'MaxPool'), { layoutAware: true });
registerConverter('AveragePooling1D', pool(1, 'AveragePool'), { layoutAware: true });
registerConverter('AveragePooling2D', pool(2, 'AveragePool'), { layoutAware: true });
registerConverter('AveragePooling3D', pool(3, 'AveragePool'), { layoutAware: true });

function globalPool(rank: number, kind: 'Average' | 'Max') {
  return (ctx: ConvertContext): TensorRef[] => {
    checkConfig(ctx, ['dataFormat']);
    let x = single(ctx);
    if (x.shape.length !== rank + 2) ctx.unsupported('input rank', x.shape.length, `expected rank ${rank + 2}`);
    if (x.flattenedFrom) x = ctx.toChannelsLast(x);
    const outShape = [x.shape[0]!, x.shape[x.shape.length - 1]!];
    const g = ctx.graph;
    if (x.layout === 'channels_first') {
      const pooled = g.add(`Global${kind}Pool`, [x.name], {}, nm(ctx, `Global${kind}Pool`));
      return [ref(g.add('Flatten', [pooled], { axis: attr.int(1) }, nm(ctx, 'Flatten')), outShape, 'channels_last', x)];
    }
    const axes = Array.from({ length: rank }, (_, i) => i + 1);
    const out = reduce(g, ctx.opset, kind === 'Average' ? 'ReduceMean' : 'ReduceMax', x.name, axes, false, nm(ctx, kind === 'Average' ? 'ReduceMean' : 'ReduceMax'));
    return [ref(out, outShape, 'channels_last', x)];
  };
}

registerConverter('GlobalAveragePooling1D', globalPool(1, 'Average'), { layoutAware: true });
registerConverter('GlobalAveragePooling2D', globalPool(2, 'Average'), { layoutAware: true });
registerConverter('GlobalMaxPooling1D', globalPool(1, 'Max'), { layoutAware: true });
registerConverter('GlobalMaxPooling2D', globalPool(2, 'Max'), { layoutAware: true });
