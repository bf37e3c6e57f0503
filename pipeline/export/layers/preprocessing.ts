/**
 * Preprocessing layers that are plain arithmetic at inference: Rescaling (float32(x) · scale +
 * offset, elementwise, so it works in any layout).
 */
import { attr, DataType } from '../graph.ts';
import { registerConverter } from '../types.ts';
import { scalarF } from '../ops.ts';
import { checkConfig, nm, num, single } from './util.ts';

registerConverter(
  'Rescaling',
  (ctx) => {
    checkConfig(ctx, ['scale', 'offset']);
    const x = single(ctx);
    const g = ctx.graph;
    const scale = num(ctx, 'scale');
    const offset = num(ctx, 'offset', 0);
    let out = x.name;
    if (x.dataType !== DataType.FLOAT) out = g.add('Cast', [out], { to: attr.int(DataType.FLOAT) }, nm(ctx, 'Cast')); // tfjs casts to float32
    if (scale !== 1) out = g.add('Mul', [out, scalarF(g, nm(ctx, 'scale'), scale)], {}, nm(ctx, 'Mul'));
    if (offset !== 0) out = g.add('Add', [out, scalarF(g, nm(ctx, 'offset'), offset)], {}, nm(ctx, 'Add'));
    return [{ ...x, name: out, dataType: DataType.FLOAT }];
  },
  { layoutAware: true },
);
