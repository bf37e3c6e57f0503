/**
 * InputLayer: the exporter maps model inputs to graph inputs itself; an InputLayer reached as a
 * layer call (e.g. inside a nested model) passes its value through unchanged.
 */
import { registerConverter } from '../types.ts';
import { checkConfig, single } from './util.ts';

registerConverter(
  'InputLayer',
  (ctx) => {
    checkConfig(ctx, ['sparse', 'ragged']);
    if (ctx.config['sparse'] === true) ctx.unsupported('sparse', true, 'sparse inputs have no ONNX tensor equivalent');
    return [single(ctx)];
  },
  { layoutAware: true },
);
