/**
 * Convolutions (Conv1D/2D/3D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose) as ONNX Conv /
 * ConvTranspose on channels-first values. TF "same" padding is written as explicit pads computed
 * exactly as TF does (extra pixel at the end) when the spatial size is known, else SAME_UPPER.
 */
import { attr } from '../graph.ts';
import type { AttrValue } from '../graph.ts';
import { registerConverter } from '../types.ts';
import type { ConvertContext, TensorRef } from '../types.ts';
import { transposeData } from '../layout.ts';
import { applyActivation } from './activation.ts';
import { bool, checkConfig, maybeWeight, nm, num, paddingMode, ref, single, tuple, weight } from './util.ts';

/** Output length of a convolution / pooling window, as tfjs computes it (convOutputLength). */
export function convOutputLength(size: number | null, kernel: number, padding: string, stride: number, dilation = 1): number | null {
  if (size === null) return null;
  const dk = kernel + (kernel - 1) * (dilation - 1);
  const len = padding === 'same' ? size : padding === 'causal' ? size : size - dk + 1;
  return Math.floor((len + stride - 1) / stride);
}

/**
 * ONNX padding attributes for TF-style padding over spatial sizes `sizes`: explicit `pads`
 * (begin..., end...) whenever they do not depend on an unknown size, else `auto_pad` SAME_UPPER
 * (TF puts the odd pixel at the end, as SAME_UPPER does; tfjs forbids dilation with stride > 1,
 * and onnxruntime rejects dilation with SAME_*). `causal` pads only the start by (k-1)·d.
 */
export function padAttrs(padding: string, sizes: (number | null)[], kernel: number[], strides: number[], dilations: number[]): Record<string, AttrValue> {
  const n = kernel.length;
  if (padding === 'valid') return { pads: attr.ints(new Array<number>(2 * n).fill(0)) };
  if (padding === 'causal') {
    const begin = kernel.map((k, i) => (k - 1) * dilations[i]!);
    return { pads: attr.ints([...begin, ...new Array<number>(n).fill(0)]) };
  }
  // With stride 1 the TF total is (k-1)·d whatever the size; otherwise it needs the size.
  if (sizes.some((s, i) => s === null && strides[i] !== 1)) return { auto_pad: attr.string('SAME_UPPER') };
  const begin: number[] = [];
  const end: number[] = [];
  sizes.forEach((s, i) => {
    const total =
      s === null
        ? (kernel[i]! - 1) * dilations[i]!
        : Math.max((Math.ceil(s / strides[i]!) - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - s, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  });
  return { pads: attr.ints([...begin, ...end]) };
}

/** Keras kernel [...k, in, out] → ONNX [out, in, ...k]. */
function oihw(data: Float32Array, shape: number[]): { data: Float32Array; dims: number[] } {
  const r = shape.length - 2;
  const perm = [r + 1, r, ...Array.from({ length: r }, (_, i) => i)];
  return { data: transposeData(data, shape, perm), dims: perm.map((p) => shape[p]!) };
}

interface ConvGeometry {
  x: TensorRef;
  spatial: (number | null)[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  padding: string;
}

function geometry(ctx: ConvertContext, rank: number, kernelKey: string, paddings: readonly string[]): ConvGeometry {
  const input = single(ctx);
  if (input.shape.length !== rank + 2) ctx.unsupported('input rank', input.shape.length, `expected rank ${rank + 2}`);
  const x = ctx.toChannelsFirst(input);
  const padding = paddingMode(ctx, paddings);
  return {
    x,
    spatial: input.shape.slice(1, -1),
    kernel: tuple(ctx, kernelKey, rank),
    strides: tuple(ctx, 'strides', rank, 1),
    dilations: ctx.config['dilationRate'] === undefined ? new Array<number>(rank).fill(1) : tuple(ctx, 'dilationRate', rank, 1),
    padding,
  };
}

function outputShape(geo: ConvGeometry, channels: number): (number | null)[] {
  const sp = geo.spatial.map((s, i) => convOutputLength(s, geo.kernel[i]!, geo.padding, geo.strides[i]!, geo.dilations[i]!));
  return [geo.x.shape[0]!, ...sp, channels];
}

function finish(ctx: ConvertContext, out: string, shape: (number | null)[], like: TensorRef): TensorRef[] {
  const act = applyActivation(ctx, ctx.config['activation'] as string, out);
  return [ref(act, shape, 'channels_first', like)];
}

function biasInput(ctx: ConvertContext): string[] {
  if (!bool(ctx, 'useBias', true)) return [];
  const b = maybeWeight(ctx, 'bias');
  return b ? [ctx.graph.addFloat(b.name, b.shape, b.data)] : [];
}

const CONV_KEYS = ['filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'useBias'];

function convN(rank: number) {
  return (ctx: ConvertContext): TensorRef[] => {
    checkConfig(ctx, [...CONV_KEYS, 'rank']);
    const geo = geometry(ctx, rank, 'kernelSize', rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same']);
    const k = weight(ctx, 'kernel');
    const w = oihw(k.data, k.shape);
    const wName = ctx.graph.addFloat(k.name, w.dims, w.data);
    const out = ctx.graph.add(
      'Conv',
      [geo.x.name, wName, ...biasInput(ctx)],
      {
        kernel_shape: attr.ints(geo.kernel),
        strides: attr.ints(geo.strides),
        dilations: attr.ints(geo.dilations),
        ...padAttrs(geo.padding, geo.spatial, geo.kernel, geo.strides, geo.dilations),
      },
      nm(ctx, 'Conv'),
    );
    return finish(ctx, out, outputShape(geo, num(ctx, 'filters')), geo.x);
  };
}

registerConverter('Conv1D', convN(1), { layoutAware: true });
registerConverter('Conv2D', convN(2), { layoutAware: true });
registerConverter('Conv3D', convN(3), { layoutAware: true });

/** Depthwise kernel [kh, kw, in, mult] → grouped Conv weight [in·mult, 1, kh, kw] (output channel c·mult + m, as TF orders it). */
function depthwiseWeight(ctx: ConvertContext, short: string): { name: string; inChannels: number; outChannels: number } {
  const k = weight(ctx, short);
  const [kh, kw, cin, mult] = k.shape as [number, number, number, number];
  const data = transposeData(k.data, k.shape, [2, 3, 0, 1]);
  return { name: ctx.graph.addFloat(k.name, [cin * mult, 1, kh, kw], data), inChannels: cin, outChannels: cin * mult };
}

registerConverter(
  'DepthwiseConv2D',
  (ctx) => {
    checkConfig(ctx, [...CONV_KEYS, 'depthMultiplier', 'kernelSize']);
    const geo = geometry(ctx, 2, 'kernelSize', ['valid', 'same']);
    if (geo.dilations.some((d) => d !== 1)) {
      ctx.unsupported(
        'dilationRate',
        ctx.config['dilationRate'],
        'tfjs-layers 4.x ignores dilationRate in DepthwiseConv2D (it computes with dilation 1) while Keras applies it, so the model has no single meaning; rebuild it with dilationRate 1',
      );
    }
    const dw = depthwiseWeight(ctx, 'depthwise_kernel');
    const out = ctx.graph.add(
      'Conv',
      [geo.x.name, dw.name, ...biasInput(ctx)],
      {
        group: attr.int(dw.inChannels),
        kernel_shape: attr.ints(geo.kernel),
        strides: attr.ints(geo.strides),
        dilations: attr.ints(geo.dilations),
        ...padAttrs(geo.padding, geo.spatial, geo.kernel, geo.strides, geo.dilations),
      },
      nm(ctx, 'DepthwiseConv'),
    );
    return finish(ctx, out, outputShape(geo, dw.outChannels), geo.x);
  },
  { layoutAware: true },
);

registerConverter(
  'SeparableConv2D',
  (ctx) => {
    checkConfig(ctx, [...CONV_KEYS, 'depthMultiplier', 'rank']);
    const geo = geometry(ctx, 2, 'kernelSize', ['valid', 'same']);
    const g = ctx.graph;
    const dw = depthwiseWeight(ctx, 'depthwise_kernel');
    const depthwise = g.add(
      'Conv',
      [geo.x.name, dw.name],
      {
        group: attr.int(dw.inChannels),
        kernel_shape: attr.ints(geo.kernel),
        strides: attr.ints(geo.strides),
        dilations: attr.ints(geo.dilations),
        ...padAttrs(geo.padding, geo.spatial, geo.kernel, geo.strides, geo.dilations),
      },
      nm(ctx, 'DepthwiseConv'),
    );
    const pk = weight(ctx, 'pointwise_kernel');
    const pw = oihw(pk.data, pk.shape);
    const out = g.add('Conv', [depthwise, g.addFloat(pk.name, pw.dims, pw.data), ...biasInput(ctx)], { kernel_shape: attr.ints([1, 1]) }, nm(ctx, 'PointwiseConv'));
    return finish(ctx, out, outputShape(geo, num(ctx, 'filters')), geo.x);
  },
  { layoutAware: true },
);

/** Output length of a transposed convolution, as tfjs computes it (deconvLength). */
export function deconvLength(size: number | null, stride: number, kernel: number, padding: string): number | null {
  if (size === null) return null;
  return padding === 'valid' ? size * stride + Math.max(kernel - stride, 0) : size * stride;
}

registerConverter(
  'Conv2DTranspose',
  (ctx) => {
    checkConfig(ctx, CONV_KEYS, { dilationRate: undefined });
    const geo = geometry(ctx, 2, 'kernelSize', ['valid', 'same']);
    if (geo.dilations.some((d) => d !== 1)) ctx.unsupported('dilationRate', geo.dilations, 'tfjs Conv2DTranspose has no dilation');
    const k = weight(ctx, 'kernel'); // [kh, kw, out, in] → ONNX ConvTranspose [in, out, kh, kw]
    const w = transposeData(k.data, k.shape, [3, 2, 0, 1]);
    const dims = [k.shape[3]!, k.shape[2]!, k.shape[0]!, k.shape[1]!];
    // tfjs: out = in·s (same) or in·s + max(k−s, 0) (valid). ONNX: s(in−1) + output_padding + k − pads.
    const begin: number[] = [];
    const end: number[] = [];
    const outputPadding: number[] = [];
    geo.kernel.forEach((kk, i) => {
      const s = geo.strides[i]!;
      const total = geo.padding === 'same' ? Math.max(kk - s, 0) : 0;
      begin.push(Math.floor(total / 2));
      end.push(total - Math.floor(total / 2));
      outputPadding.push(Math.max(s - kk, 0));
    });
    const out = ctx.graph.add(
      'ConvTranspose',
      [geo.x.name, ctx.graph.addFloat(k.name, dims, w), ...biasInput(ctx)],
      {
        kernel_shape: attr.ints(geo.kernel),
        strides: attr.ints(geo.strides),
        pads: attr.ints([...begin, ...end]),
        ...(outputPadding.some((p) => p > 0) ? { output_padding: attr.ints(outputPadding) } : {}),
      },
      nm(ctx, 'ConvTranspose'),
    );
    const spatial = geo.spatial.map((s, i) => deconvLength(s, geo.strides[i]!, geo.kernel[i]!, geo.padding));
    return finish(ctx, out, [geo.x.shape[0]!, ...spatial, num(ctx, 'filters')], geo.x);
  },
  { layoutAware: true },
);
