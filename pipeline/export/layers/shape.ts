/**
 * Shape layers: Flatten (a channels-first input is flattened as is and tagged `flattenedFrom`, so
 * the next Dense permutes its kernel instead of the graph transposing), Reshape, Permute,
 * RepeatVector, ZeroPadding2D, Cropping2D, UpSampling2D (nearest and bilinear, tfjs' asymmetric
 * pixel mapping without half-pixel centres).
 */
import { attr } from '../graph.ts';
import type { AttrValue } from '../graph.ts';
import { registerConverter } from '../types.ts';
import type { ConvertContext } from '../types.ts';
import { kerasAxisAt } from '../layout.ts';
import { reshape, unsqueeze } from '../ops.ts';
import { checkConfig, nm, num, ref, single, staticSize, str, tuple } from './util.ts';

registerConverter(
  'Flatten',
  (ctx) => {
    checkConfig(ctx, [], { dataFormat: 'channelsLast' });
    const x = single(ctx);
    if (x.shape.length <= 2) return [x];
    const size = staticSize(ctx, x.shape.slice(1), 'input shape');
    const out = ctx.graph.add('Flatten', [x.name], { axis: attr.int(1) }, nm(ctx, 'Flatten'));
    const res = ref(out, [x.shape[0]!, size], 'channels_last', x);
    if (x.layout === 'channels_first') res.flattenedFrom = { shape: x.shape.slice(1) as number[], layout: 'channels_first' };
    return [res];
  },
  { layoutAware: true },
);

registerConverter('Reshape', (ctx) => {
  checkConfig(ctx, ['targetShape']);
  const x = single(ctx);
  const target = (ctx.config['targetShape'] as (number | null)[]).map((d) => (d === null || d === -1 ? -1 : d));
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) ctx.unsupported('targetShape', ctx.config['targetShape'], 'at most one dimension may be -1');
  const inner = x.shape.slice(1);
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  let outShape: (number | null)[] = target;
  let onnxShape: number[];
  if (inner.every((d) => d !== null)) {
    const total = (inner as number[]).reduce((a, b) => a * b, 1);
    outShape = target.map((d) => (d === -1 ? total / known : d));
    if (outShape.some((d) => !Number.isInteger(d))) ctx.unsupported('targetShape', ctx.config['targetShape'], `the input has ${total} elements per example`);
    onnxShape = [-1, ...(outShape as number[])];
  } else {
    outShape = target.map((d) => (d === -1 ? null : d));
    onnxShape = [0, ...target]; // 0 copies the batch size
  }
  const out = reshape(ctx.graph, x.name, onnxShape, nm(ctx, 'Reshape'));
  return [ref(out, [x.shape[0]!, ...outShape], 'channels_last', x)];
});

registerConverter(
  'Permute',
  (ctx) => {
    checkConfig(ctx, ['dims']);
    let x = single(ctx);
    if (x.flattenedFrom) x = ctx.toChannelsLast(x);
    const dims = ctx.config['dims'] as number[];
    const rank = x.shape.length;
    if (dims.length !== rank - 1 || [...dims].sort().some((d, i) => d !== i + 1)) ctx.unsupported('dims', dims, `expected a permutation of 1..${rank - 1}`);
    const kerasPerm = [0, ...dims];
    // Physical position p of the input holds Keras axis at[p]; output is channels-last.
    const at = kerasAxisAt(x.layout, rank);
    const perm = kerasPerm.map((k) => at.indexOf(k));
    const out = ctx.graph.add('Transpose', [x.name], { perm: attr.ints(perm) }, nm(ctx, 'Transpose'));
    return [ref(out, kerasPerm.map((k) => x.shape[k]!), 'channels_last', x)];
  },
  { layoutAware: true },
);

registerConverter('RepeatVector', (ctx) => {
  checkConfig(ctx, ['n']);
  const x = single(ctx);
  if (x.shape.length !== 2) ctx.unsupported('input rank', x.shape.length, 'RepeatVector takes a rank-2 input');
  const n = num(ctx, 'n');
  const g = ctx.graph;
  const expanded = unsqueeze(g, x.name, [1], nm(ctx, 'Unsqueeze'));
  const out = g.add('Tile', [expanded, g.addInt64(nm(ctx, 'repeats'), [1, n, 1])], {}, nm(ctx, 'Tile'));
  return [ref(out, [x.shape[0]!, n, x.shape[1]!], 'channels_last', x)];
});

/** [[top, bottom], [left, right]] from a number, [sym_h, sym_w] or [[t, b], [l, r]]. */
function pairs(ctx: ConvertContext, key: string): [[number, number], [number, number]] {
  const v = ctx.config[key];
  if (typeof v === 'number') return [[v, v], [v, v]];
  if (Array.isArray(v) && v.length === 2) {
    if (typeof v[0] === 'number' && typeof v[1] === 'number') return [[v[0], v[0]], [v[1], v[1]]];
    if (Array.isArray(v[0]) && Array.isArray(v[1])) return [v[0] as [number, number], v[1] as [number, number]];
  }
  return ctx.unsupported(key, v, 'expected a number, [h, w] or [[top, bottom], [left, right]]');
}

function grow(d: number | null, by: number): number | null {
  return d === null ? null : d + by;
}

registerConverter(
  'ZeroPadding2D',
  (ctx) => {
    checkConfig(ctx, ['padding', 'dataFormat']);
    let x = single(ctx);
    if (x.flattenedFrom) x = ctx.toChannelsLast(x);
    const [[t, b], [l, r]] = pairs(ctx, 'padding');
    const at = kerasAxisAt(x.layout, 4);
    const begin = at.map((k) => (k === 1 ? t : k === 2 ? l : 0));
    const end = at.map((k) => (k === 1 ? b : k === 2 ? r : 0));
    const g = ctx.graph;
    const out = g.add('Pad', [x.name, g.addInt64(nm(ctx, 'pads'), [...begin, ...end])], { mode: attr.string('constant') }, nm(ctx, 'Pad'));
    const s = x.shape;
    return [{ ...x, name: out, shape: [s[0]!, grow(s[1]!, t + b), grow(s[2]!, l + r), s[3]!] }];
  },
  { layoutAware: true },
);

registerConverter(
  'Cropping2D',
  (ctx) => {
    checkConfig(ctx, ['cropping', 'dataFormat']);
    let x = single(ctx);
    if (x.flattenedFrom) x = ctx.toChannelsLast(x);
    const [[t, b], [l, r]] = pairs(ctx, 'cropping');
    const g = ctx.graph;
    const at = kerasAxisAt(x.layout, 4);
    const big = Number.MAX_SAFE_INTEGER;
    const out = g.add(
      'Slice',
      [
        x.name,
        g.addInt64(nm(ctx, 'starts'), [t, l]),
        g.addInt64(nm(ctx, 'ends'), [b > 0 ? -b : big, r > 0 ? -r : big]),
        g.addInt64(nm(ctx, 'axes'), [at.indexOf(1), at.indexOf(2)]),
      ],
      {},
      nm(ctx, 'Slice'),
    );
    const s = x.shape;
    return [{ ...x, name: out, shape: [s[0]!, grow(s[1]!, -t - b), grow(s[2]!, -l - r), s[3]!] }];
  },
  { layoutAware: true },
);

registerConverter(
  'UpSampling2D',
  (ctx) => {
    checkConfig(ctx, ['size', 'dataFormat', 'interpolation']);
    const input = single(ctx);
    const x = ctx.toChannelsFirst(input);
    const [sh, sw] = tuple(ctx, 'size', 2, 2) as [number, number];
    const interpolation = str(ctx, 'interpolation', 'nearest');
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') ctx.unsupported('interpolation', interpolation, 'use "nearest" or "bilinear"');
    const g = ctx.graph;
    // tfjs resizeNearestNeighbor / resizeBilinear with alignCorners=false, halfPixelCenters=false:
    // source = dest · in/out ("asymmetric"); nearest rounds down.
    const attrs: Record<string, AttrValue> =
      interpolation === 'nearest'
        ? { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') }
        : { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('asymmetric') };
    const out = g.add('Resize', [x.name, '', g.addFloat(nm(ctx, 'scales'), [4], [1, 1, sh, sw])], attrs, nm(ctx, 'Resize'));
    const s = input.shape;
    const mul = (d: number | null, k: number) => (d === null ? null : d * k);
    return [ref(out, [s[0]!, mul(s[1]!, sh), mul(s[2]!, sw), s[3]!], 'channels_first', x)];
  },
  { layoutAware: true },
);
